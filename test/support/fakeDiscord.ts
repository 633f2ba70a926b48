import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A fake Discord on loopback: the REST API under `/api/v10` and the gateway (JSON, no compression)
 * on the same port. `GET /gateway/bot` points at the fake's own gateway, so a discord.js Client
 * whose REST base is `apiUrl` connects here. Every REST call is recorded; messages, threads and
 * interaction replies are kept so tests can read what people would see.
 */

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  managed: boolean;
  tags?: { bot_id: string };
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  parent_id: string | null;
  /** For threads: who created it. */
  owner_id?: string;
}

export interface FakeFile {
  name: string;
  contentType: string;
  text: string;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id: string;
  author: FakeUser;
  content: string;
  embeds: Array<Record<string, unknown>>;
  components: Array<Record<string, unknown>>;
  files: FakeFile[];
  flags: number;
  mentions: FakeUser[];
  mention_roles: string[];
  message_reference?: { message_id: string; channel_id: string; guild_id: string } | undefined;
  /** How many times it was edited. */
  edits: number;
  /** Set for an interaction's reply, so its follow-ups find it. */
  interaction_id?: string | undefined;
}

export interface RestCall {
  method: string;
  /** Path after `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  query: string;
  body: unknown;
  files: FakeFile[];
  status: number;
  at: number;
}

export interface FakeInteraction {
  id: string;
  token: string;
  payload: Record<string, unknown>;
}

export interface RateLimitRule {
  method: string;
  path: RegExp;
  /** How many matching calls get a 429 before the route answers again. */
  times: number;
  /** Seconds, as Discord gives it in the body and the Retry-After header. */
  retryAfter: number;
}

export interface StallRule {
  method: string;
  path: RegExp;
  body?: (body: unknown) => boolean;
  times: number;
}

export interface FakeDiscordOptions {
  /** False: the application has not enabled the privileged Message Content intent (IDENTIFY with it is closed with 4014). */
  messageContentAllowed?: boolean;
  heartbeatIntervalMs?: number;
}

const INTENT_MESSAGE_CONTENT = 1 << 15;
const EPHEMERAL = 1 << 6;

/**
 * The fake server's fixed ids, so crew fixtures can name its guild, channels, roles and people
 * in their `discord:` sections.
 */
export const FAKE_DISCORD_IDS = {
  application: '1100000000000000001',
  guild: '1100000000000000010',
  general: '1100000000000000020',
  ops: '1100000000000000021',
  reviewers: '1100000000000000030',
  starters: '1100000000000000031',
  botRole: '1100000000000000032',
  ada: '1100000000000000040',
  bob: '1100000000000000041',
  mallory: '1100000000000000042',
  otherBot: '1100000000000000043',
} as const;

let lastSnowflake = 1_200_000_000_000_000_000n;
/** Snowflake-shaped ids, increasing like Discord's. */
export function snowflake(): string {
  lastSnowflake += 4_194_304n;
  return lastSnowflake.toString();
}

function user(id: string, username: string, globalName: string | null, bot = false): FakeUser {
  return { id, username, global_name: globalName, discriminator: '0', avatar: null, ...(bot ? { bot: true } : {}) };
}

interface Member {
  user: FakeUser;
  roles: string[];
}

interface Session {
  id: string;
  seq: number;
  buffer: Array<{ s: number; text: string }>;
  socket?: WebSocket | undefined;
  intents: number;
  /** Until the client closes it; a socket the test drops keeps its session for a RESUME. */
  live: boolean;
  dropping: boolean;
}

export interface FakeDiscord {
  apiUrl: string;
  gatewayUrl: string;
  token: string;
  applicationId: string;
  bot: FakeUser;
  guildId: string;
  channels: { general: FakeChannel; ops: FakeChannel };
  roles: { everyone: FakeRole; reviewers: FakeRole; starters: FakeRole; bot: FakeRole };
  users: { ada: FakeUser; bob: FakeUser; mallory: FakeUser; otherBot: FakeUser };
  /** Every REST call, in arrival order. */
  calls: RestCall[];
  /** Every message posted, by anyone, by id (edits applied). */
  messages: Map<string, FakeMessage>;
  threads: FakeChannel[];
  gateway: { identifies: Array<{ intents: number }>; resumes: number; heartbeats: number; closedFor: number[] };
  /** Messages in a channel (or thread), oldest first. */
  messagesIn(channelId: string): FakeMessage[];
  /** Calls to an interaction's callback and to its webhook (edits of the reply, follow-ups). */
  responsesTo(interaction: FakeInteraction): RestCall[];
  /** A person (or a bot) writes in a channel; dispatched as MESSAGE_CREATE. */
  postMessage(input: {
    author: FakeUser;
    channelId: string;
    content: string;
    mentions?: FakeUser[];
    mentionRoles?: string[];
    replyTo?: string;
  }): FakeMessage;
  /** Dispatches MESSAGE_CREATE again for a message (as after a resumed session replays it). */
  redeliver(message: FakeMessage): void;
  slashCommand(input: { user: FakeUser; channelId: string; subcommand: string; options?: Record<string, string> }): FakeInteraction;
  autocomplete(input: { user: FakeUser; channelId: string; focused: string; value: string; options?: Record<string, string> }): FakeInteraction;
  clickButton(input: { user: FakeUser; message: FakeMessage; customId: string }): FakeInteraction;
  submitModal(input: { user: FakeUser; channelId: string; customId: string; fields: Record<string, string>; message?: FakeMessage }): FakeInteraction;
  /** Dispatches INTERACTION_CREATE again with the same id and token. */
  redeliverInteraction(interaction: FakeInteraction): void;
  /** The next `times` calls matching get 429 with retry_after. */
  rateLimit(rule: RateLimitRule): void;
  /** The next `times` calls matching get 403 Missing Permissions, as when the bot lacks a permission. */
  forbid(rule: { method: string; path: RegExp; times: number }): void;
  /**
   * The next `times` calls matching (and whose JSON body `body` accepts) are never answered, as on
   * a connection that hangs: the call is recorded with status 0 and nothing it asked for happens.
   */
  stall(rule: StallRule): void;
  /** Closes the latest client's socket (code 4000); resolves once the client has resumed the session. */
  dropConnection(): Promise<void>;
  dispatch(type: string, data: unknown): void;
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = 'fake-discord-bot-token';
  const ids = FAKE_DISCORD_IDS;
  const applicationId = ids.application;
  const bot = user(applicationId, 'crewbot', 'crewbot', true);
  const guildId = ids.guild;
  const users = {
    ada: user(ids.ada, 'ada', 'Ada'),
    bob: user(ids.bob, 'bob', 'Bob'),
    mallory: user(ids.mallory, 'mallory', 'Mallory'),
    otherBot: user(ids.otherBot, 'otherbot', 'Other Bot', true),
  };
  const roles = {
    everyone: { id: guildId, name: '@everyone', managed: false },
    reviewers: { id: ids.reviewers, name: 'Reviewers', managed: false },
    starters: { id: ids.starters, name: 'Crew starters', managed: false },
    bot: { id: ids.botRole, name: 'crewbot', managed: true, tags: { bot_id: bot.id } },
  } satisfies Record<string, FakeRole>;
  const textChannel = (id: string, name: string): FakeChannel => ({ id, type: 0, guild_id: guildId, name, parent_id: null });
  const channels = { general: textChannel(ids.general, 'general'), ops: textChannel(ids.ops, 'ops') };
  const members = new Map<string, Member>([
    [bot.id, { user: bot, roles: [roles.bot.id] }],
    [users.ada.id, { user: users.ada, roles: [roles.starters.id] }],
    [users.bob.id, { user: users.bob, roles: [roles.reviewers.id] }],
    [users.mallory.id, { user: users.mallory, roles: [] }],
    [users.otherBot.id, { user: users.otherBot, roles: [] }],
  ]);
  const allChannels = new Map<string, FakeChannel>(Object.values(channels).map((channel) => [channel.id, channel]));
  const threads: FakeChannel[] = [];
  const messages = new Map<string, FakeMessage>();
  const calls: RestCall[] = [];
  const rateLimits: RateLimitRule[] = [];
  const forbidden: Array<{ method: string; path: RegExp; times: number }> = [];
  const stalls: StallRule[] = [];
  const interactions = new Map<string, FakeInteraction & { channelId: string; message?: FakeMessage | undefined }>();
  const gateway = { identifies: [] as Array<{ intents: number }>, resumes: 0, heartbeats: 0, closedFor: [] as number[] };
  const sessions = new Map<string, Session>();
  const resumeWaiters: Array<() => void> = [];

  const memberPayload = (member: Member) => ({
    user: member.user,
    roles: member.roles,
    nick: null,
    avatar: null,
    joined_at: '2024-01-01T00:00:00.000Z',
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    permissions: '2251799813685247',
  });
  const rolePayload = (role: FakeRole, position: number) => ({
    ...role,
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: role.managed ? '395137117248' : '1071698660928',
    mentionable: true,
    flags: 0,
  });
  const channelPayload = (channel: FakeChannel) => ({
    ...channel,
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    ...(channel.type === 11 || channel.type === 12
      ? {
          thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
          member_count: 1,
          message_count: 0,
          total_message_sent: 0,
        }
      : {}),
  });
  const messagePayload = (message: FakeMessage) => ({
    id: message.id,
    channel_id: message.channel_id,
    guild_id: message.guild_id,
    author: message.author,
    ...(message.author.bot || !members.has(message.author.id) ? {} : { member: { ...memberPayload(members.get(message.author.id)!), user: undefined } }),
    content: message.content,
    timestamp: new Date().toISOString(),
    edited_timestamp: message.edits > 0 ? new Date().toISOString() : null,
    tts: false,
    mention_everyone: false,
    mentions: message.mentions,
    mention_roles: message.mention_roles,
    attachments: message.files.map((file, index) => ({ id: `${message.id}${index}`, filename: file.name, size: file.text.length, url: `http://files/${file.name}`, proxy_url: `http://files/${file.name}` })),
    embeds: message.embeds,
    components: message.components,
    pinned: false,
    type: message.message_reference ? 19 : 0,
    flags: message.flags,
    ...(message.message_reference ? { message_reference: message.message_reference } : {}),
  });
  const guildPayload = () => ({
    id: guildId,
    name: 'Crew HQ',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: users.ada.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: Object.values(roles).map(rolePayload),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    joined_at: '2024-01-01T00:00:00.000Z',
    large: false,
    unavailable: false,
    member_count: members.size,
    members: [...members.values()].map(memberPayload),
    channels: Object.values(channels).map(channelPayload),
    threads: threads.map(channelPayload),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  });

  // ---- gateway ----

  function send(session: Session, text: string): void {
    if (session.socket && session.socket.readyState === session.socket.OPEN) session.socket.send(text);
  }

  function sendTo(session: Session, type: string, data: unknown): void {
    session.seq += 1;
    const text = JSON.stringify({ op: 0, t: type, s: session.seq, d: data });
    session.buffer.push({ s: session.seq, text });
    send(session, text);
  }

  /** Like Discord, every connected session of the bot gets every event (two processes both see it). */
  /** Like Discord, events reach the live gateway sessions, if any: a REST-only client (a fleet worker) gets none. */
  function dispatch(type: string, data: unknown): void {
    for (const session of sessions.values()) if (session.live) sendTo(session, type, data);
  }

  /**
   * Without the privileged Message Content intent a bot gets messages with empty content,
   * except its own and those that mention it (its user; a role it holds does not count).
   */
  function dispatchMessage(message: FakeMessage): void {
    const live = [...sessions.values()].filter((session) => session.live);
    const readable = message.author.id === bot.id || message.mentions.some((mentioned) => mentioned.id === bot.id);
    for (const session of live) {
      const payload = messagePayload(message);
      if ((session.intents & INTENT_MESSAGE_CONTENT) === 0 && !readable) {
        Object.assign(payload, { content: '', embeds: [], attachments: [], components: [] });
      }
      sendTo(session, 'MESSAGE_CREATE', payload);
    }
  }

  function onGatewayClose(socket: WebSocket): void {
    for (const session of sessions.values()) {
      if (session.socket !== socket) continue;
      if (session.dropping) session.dropping = false;
      else session.live = false;
    }
  }

  function onGatewayMessage(socket: WebSocket, raw: string): void {
    const payload = JSON.parse(raw) as { op: number; d: Record<string, unknown> | number | null };
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case 1:
        gateway.heartbeats += 1;
        socket.send(JSON.stringify({ op: 11 }));
        return;
      case 2: {
        if (d['token'] !== token) return socket.close(4004, 'Authentication failed.');
        const intents = Number(d['intents']);
        gateway.identifies.push({ intents });
        if (options.messageContentAllowed === false && (intents & INTENT_MESSAGE_CONTENT) !== 0) {
          gateway.closedFor.push(4014);
          return socket.close(4014, 'Disallowed intent(s).');
        }
        const session: Session = { id: `session-${snowflake()}`, seq: 0, buffer: [], socket, intents, live: true, dropping: false };
        sessions.set(session.id, session);
        sendTo(session, 'READY', {
          v: 10,
          user: bot,
          guilds: [{ id: guildId, unavailable: true }],
          session_id: session.id,
          resume_gateway_url: gatewayUrl,
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
        });
        sendTo(session, 'GUILD_CREATE', guildPayload());
        return;
      }
      case 6: {
        const session = sessions.get(String(d['session_id']));
        if (!session || d['token'] !== token) {
          socket.send(JSON.stringify({ op: 9, d: false }));
          return;
        }
        gateway.resumes += 1;
        session.socket = socket;
        const since = Number(d['seq']);
        for (const entry of session.buffer) if (entry.s > since) send(session, entry.text);
        sendTo(session, 'RESUMED', {});
        for (const waiter of resumeWaiters.splice(0)) waiter();
        return;
      }
      default:
        return;
    }
  }

  // ---- REST ----

  function reply(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): number {
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return status;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
    return status;
  }

  async function readBody(req: IncomingMessage): Promise<{ body: unknown; files: FakeFile[] }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (raw.length === 0) return { body: undefined, files: [] };
    if (type.startsWith('multipart/form-data')) {
      const form = await new Request('http://fake.local/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
      let body: unknown;
      const files: FakeFile[] = [];
      for (const [key, value] of form.entries()) {
        if (key === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
        else if (typeof value !== 'string') files.push({ name: value.name, contentType: value.type, text: await value.text() });
      }
      return { body, files };
    }
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  }

  function newMessage(input: Omit<FakeMessage, 'id' | 'edits' | 'embeds' | 'components' | 'files' | 'flags' | 'mentions' | 'mention_roles'> & Partial<FakeMessage>): FakeMessage {
    const message: FakeMessage = { id: snowflake(), edits: 0, embeds: [], components: [], files: [], flags: 0, mentions: [], mention_roles: [], ...input };
    messages.set(message.id, message);
    return message;
  }

  function applyContent(message: FakeMessage, body: Record<string, unknown>, files: FakeFile[]): void {
    if (typeof body['content'] === 'string') message.content = body['content'];
    if (Array.isArray(body['embeds'])) message.embeds = body['embeds'] as FakeMessage['embeds'];
    if (Array.isArray(body['components'])) message.components = body['components'] as FakeMessage['components'];
    if (typeof body['flags'] === 'number') message.flags = body['flags'];
    if (files.length > 0) message.files = files;
  }

  function botPosts(channelId: string, body: Record<string, unknown>, files: FakeFile[], interactionId?: string): FakeMessage {
    const channel = allChannels.get(channelId);
    const reference = body['message_reference'] as { message_id?: string } | undefined;
    const message = newMessage({
      channel_id: channelId,
      guild_id: channel?.guild_id ?? guildId,
      author: bot,
      content: '',
      interaction_id: interactionId,
      ...(reference?.message_id ? { message_reference: { message_id: reference.message_id, channel_id: channelId, guild_id: guildId } } : {}),
    });
    applyContent(message, body, files);
    if ((message.flags & EPHEMERAL) === 0) dispatchMessage(message);
    return message;
  }

  function createThread(parent: FakeChannel, name: string, id: string): FakeChannel {
    const thread: FakeChannel = { id, type: 11, guild_id: guildId, name, parent_id: parent.id, owner_id: bot.id };
    threads.push(thread);
    allChannels.set(thread.id, thread);
    dispatch('THREAD_CREATE', { ...channelPayload(thread), newly_created: true });
    return thread;
  }

  function originalOf(token: string): { interaction: FakeInteraction & { channelId: string; message?: FakeMessage | undefined }; original?: FakeMessage | undefined } | undefined {
    const interaction = [...interactions.values()].find((candidate) => candidate.token === token);
    if (!interaction) return undefined;
    const original = [...messages.values()].find((message) => message.interaction_id === interaction.id);
    return { interaction, original };
  }

  type Route = (match: string[], body: Record<string, unknown>, files: FakeFile[], query: URLSearchParams) => { status: number; body?: unknown };
  const routes: Array<{ method: string; pattern: RegExp; auth: boolean; handle: Route }> = [
    {
      method: 'GET',
      pattern: /^\/gateway\/bot$/,
      auth: true,
      handle: () => ({ status: 200, body: { url: gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } }),
    },
    { method: 'GET', pattern: /^\/gateway$/, auth: false, handle: () => ({ status: 200, body: { url: gatewayUrl } }) },
    { method: 'GET', pattern: /^\/users\/@me$/, auth: true, handle: () => ({ status: 200, body: bot }) },
    {
      method: 'GET',
      pattern: /^\/guilds\/(\d+)\/members\/(\d+)$/,
      auth: true,
      handle: ([g, u]) => {
        const member = g === guildId ? members.get(u!) : undefined;
        return member ? { status: 200, body: memberPayload(member) } : { status: 404, body: { message: 'Unknown Member', code: 10007 } };
      },
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)$/,
      auth: true,
      handle: ([c]) => {
        const channel = allChannels.get(c!);
        return channel ? { status: 200, body: channelPayload(channel) } : { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/(\d+)\/messages$/,
      auth: true,
      handle: ([c], body, files) => {
        if (!allChannels.has(c!)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
        const message = botPosts(c!, body, files);
        return { status: 200, body: messagePayload(message) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: ([c, m]) => {
        const message = messages.get(m!);
        return message && message.channel_id === c ? { status: 200, body: messagePayload(message) } : { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: ([c, m], body, files) => {
        const message = messages.get(m!);
        if (!message || message.channel_id !== c) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
        if (message.author.id !== bot.id) return { status: 403, body: { message: 'Cannot edit a message authored by another user', code: 50005 } };
        applyContent(message, body, files);
        message.edits += 1;
        return { status: 200, body: messagePayload(message) };
      },
    },
    { method: 'POST', pattern: /^\/channels\/(\d+)\/typing$/, auth: true, handle: () => ({ status: 204 }) },
    {
      method: 'POST',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/,
      auth: true,
      handle: ([c, m], body) => {
        const parent = allChannels.get(c!);
        const message = messages.get(m!);
        if (!parent || !message || message.channel_id !== c) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
        if (parent.type !== 0) return { status: 400, body: { message: 'Cannot start a thread in a thread', code: 50024 } };
        if (threads.some((thread) => thread.id === m)) return { status: 400, body: { message: 'A thread has already been created for this message', code: 160004 } };
        // A thread started from a message has that message's id.
        return { status: 201, body: channelPayload(createThread(parent, String(body['name']), m!)) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/(\d+)\/threads$/,
      auth: true,
      handle: ([c], body) => {
        const parent = allChannels.get(c!);
        if (!parent) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
        return { status: 201, body: channelPayload(createThread(parent, String(body['name']), snowflake())) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      auth: false,
      handle: ([id, tokenPart], body, files, query) => {
        const interaction = interactions.get(id!);
        if (!interaction || interaction.token !== tokenPart) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
        if (calls.some((call) => call.status >= 200 && call.status < 300 && call.path.startsWith(`/interactions/${id}/`))) {
          return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
        }
        const data = (body['data'] ?? {}) as Record<string, unknown>;
        let message: FakeMessage | undefined;
        switch (body['type']) {
          case 4:
            message = botPosts(interaction.channelId, data, files, interaction.id);
            break;
          case 5:
            message = botPosts(interaction.channelId, { content: '', flags: typeof data['flags'] === 'number' ? data['flags'] : 0 }, [], interaction.id);
            break;
          case 7:
            if (interaction.message) {
              applyContent(interaction.message, data, files);
              interaction.message.edits += 1;
            }
            break;
          case 6:
          case 8:
          case 9:
            break;
          default:
            return { status: 400, body: { message: `Unknown callback type ${String(body['type'])}`, code: 50035 } };
        }
        if (query.get('with_response') === 'true') {
          return {
            status: 200,
            body: {
              interaction: { id, type: interaction.payload['type'], activity_instance_id: null, response_message_id: message?.id ?? null, response_message_loading: body['type'] === 5, response_message_ephemeral: false },
              resource: { type: body['type'], ...(message ? { message: messagePayload(message) } : {}) },
            },
          };
        }
        return { status: 204 };
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      auth: false,
      handle: ([app, tokenPart], body, files) => {
        const found = app === applicationId ? originalOf(tokenPart!) : undefined;
        if (!found?.original) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
        applyContent(found.original, body, files);
        found.original.edits += 1;
        return { status: 200, body: messagePayload(found.original) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/,
      auth: false,
      handle: ([, tokenPart]) => {
        const found = originalOf(tokenPart!);
        return found?.original ? { status: 200, body: messagePayload(found.original) } : { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      },
    },
    {
      method: 'POST',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
      auth: false,
      handle: ([app, tokenPart], body, files) => {
        const found = app === applicationId ? originalOf(tokenPart!) : undefined;
        if (!found) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
        return { status: 200, body: messagePayload(botPosts(found.interaction.channelId, body, files)) };
      },
    },
    {
      method: 'PUT',
      pattern: /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/,
      auth: true,
      handle: ([app], body) => {
        if (app !== applicationId) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
        const commands = Array.isArray(body) ? body : [];
        return { status: 200, body: commands.map((command: Record<string, unknown>) => ({ ...command, id: snowflake(), application_id: applicationId, version: snowflake() })) };
      },
    },
  ];

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.local');
      const method = req.method ?? 'GET';
      const { body, files } = await readBody(req).catch(() => ({ body: undefined, files: [] as FakeFile[] }));
      const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
      const call: RestCall = { method, path, query: url.search, body, files, status: 0, at: Date.now() };
      calls.push(call);
      const stalled = stalls.find((rule) => rule.times > 0 && rule.method === method && rule.path.test(path) && (rule.body?.(body) ?? true));
      if (stalled) {
        stalled.times -= 1;
        return; // left unanswered until the client gives up or the fake closes
      }
      const limited = rateLimits.find((rule) => rule.times > 0 && rule.method === method && rule.path.test(path));
      if (limited) {
        limited.times -= 1;
        call.status = reply(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: limited.retryAfter, global: false },
          {
            'retry-after': String(limited.retryAfter),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': String(limited.retryAfter),
            'x-ratelimit-bucket': `fake-${method}-${limited.path.source}`,
            'x-ratelimit-scope': 'user',
          },
        );
        return;
      }
      const refused = forbidden.find((rule) => rule.times > 0 && rule.method === method && rule.path.test(path));
      if (refused) {
        refused.times -= 1;
        call.status = reply(res, 403, { message: 'Missing Permissions', code: 50013 });
        return;
      }
      for (const route of routes) {
        const match = route.method === method ? route.pattern.exec(path) : null;
        if (!match) continue;
        if (route.auth && req.headers.authorization !== `Bot ${token}`) {
          call.status = reply(res, 401, { message: '401: Unauthorized', code: 0 });
          return;
        }
        const result = route.handle(match.slice(1), (body ?? {}) as Record<string, unknown>, files, url.searchParams);
        call.status = reply(res, result.status, result.body);
        return;
      }
      call.status = reply(res, 404, { message: `fake Discord has no route ${method} ${path}`, code: 0 });
    })().catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, { message: String(error), code: 0 });
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data) => onGatewayMessage(ws, String(data)));
      ws.on('close', () => onGatewayClose(ws));
      ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 41_250 } }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  function interactionPayload(type: number, input: { user: FakeUser; channelId: string; data: unknown; message?: FakeMessage | undefined }): FakeInteraction {
    const channel = allChannels.get(input.channelId);
    if (!channel) throw new Error(`fake Discord: no channel ${input.channelId}`);
    const member = members.get(input.user.id) ?? { user: input.user, roles: [] };
    const id = snowflake();
    const interactionToken = `interaction-token-${id}`;
    const payload: Record<string, unknown> = {
      id,
      application_id: applicationId,
      type,
      data: input.data,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel_id: channel.id,
      channel: channelPayload(channel),
      member: memberPayload(member),
      token: interactionToken,
      version: 1,
      app_permissions: '2251799813685247',
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
      ...(input.message ? { message: messagePayload(input.message) } : {}),
    };
    const interaction = { id, token: interactionToken, payload, channelId: channel.id, message: input.message };
    interactions.set(id, interaction);
    dispatch('INTERACTION_CREATE', payload);
    return interaction;
  }

  const stringOptions = (values: Record<string, string>, focused?: string) =>
    Object.entries(values).map(([name, value]) => ({ type: 3, name, value, ...(name === focused ? { focused: true } : {}) }));

  const fake: FakeDiscord = {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl,
    token,
    applicationId,
    bot,
    guildId,
    channels,
    roles,
    users,
    calls,
    messages,
    threads,
    gateway,
    messagesIn: (channelId) => [...messages.values()].filter((message) => message.channel_id === channelId),
    responsesTo: (interaction) =>
      calls.filter((call) => call.path.startsWith(`/interactions/${interaction.id}/`) || call.path.includes(`/${interaction.token}`)),
    postMessage: (input) => {
      const channel = allChannels.get(input.channelId);
      if (!channel) throw new Error(`fake Discord: no channel ${input.channelId}`);
      const message = newMessage({
        channel_id: channel.id,
        guild_id: guildId,
        author: input.author,
        content: input.content,
        mentions: input.mentions ?? [],
        mention_roles: input.mentionRoles ?? [],
        ...(input.replyTo ? { message_reference: { message_id: input.replyTo, channel_id: channel.id, guild_id: guildId } } : {}),
      });
      dispatchMessage(message);
      return message;
    },
    redeliver: (message) => dispatchMessage(message),
    slashCommand: ({ user: who, channelId, subcommand, options: values = {} }) =>
      interactionPayload(2, {
        user: who,
        channelId,
        data: { id: snowflake(), name: 'crew', type: 1, options: [{ type: 1, name: subcommand, options: stringOptions(values) }] },
      }),
    autocomplete: ({ user: who, channelId, focused, value, options: values = {} }) =>
      interactionPayload(4, {
        user: who,
        channelId,
        data: { id: snowflake(), name: 'crew', type: 1, options: [{ type: 1, name: 'run', options: stringOptions({ ...values, [focused]: value }, focused) }] },
      }),
    clickButton: ({ user: who, message, customId }) =>
      interactionPayload(3, { user: who, channelId: message.channel_id, message, data: { custom_id: customId, component_type: 2 } }),
    submitModal: ({ user: who, channelId, customId, fields, message }) =>
      interactionPayload(5, {
        user: who,
        channelId,
        message,
        data: {
          custom_id: customId,
          components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
        },
      }),
    redeliverInteraction: (interaction) => dispatch('INTERACTION_CREATE', interaction.payload),
    rateLimit: (rule) => {
      rateLimits.push({ ...rule });
    },
    forbid: (rule) => {
      forbidden.push({ ...rule });
    },
    stall: (rule) => {
      stalls.push({ ...rule });
    },
    dropConnection: async () => {
      const session = [...sessions.values()].filter((candidate) => candidate.live).at(-1);
      if (!session?.socket) throw new Error('fake Discord: no client is connected');
      const resumed = new Promise<void>((resolve) => resumeWaiters.push(resolve));
      session.dropping = true;
      session.socket.close(4000, 'dropped by the test');
      await resumed;
    },
    dispatch,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
