import { createHmac, randomUUID } from 'node:crypto';

/**
 * Requests as Slack sends them to an app's /slack/events, signed with the signing secret (v0:
 * HMAC-SHA256 of `v0:<timestamp>:<raw body>`): slash commands and interactions as form bodies,
 * events as JSON.
 */

export interface SlackDelivery {
  status: number;
  body: string;
  /** Milliseconds from sending until the response arrived. */
  ms: number;
}

export interface SendOptions {
  /** X-Slack-Retry-Num: Slack's redelivery of something it thinks was not acknowledged. */
  retryNum?: number | undefined;
  /** Signs with this secret instead (a forged or stale request). */
  secret?: string | undefined;
  /** Seconds since the epoch for X-Slack-Request-Timestamp. */
  timestamp?: number | undefined;
}

export interface SlashCommandInput {
  text: string;
  userId: string;
  userName?: string | undefined;
  channelId: string;
  triggerId?: string | undefined;
  responseUrl?: string | undefined;
  command?: string | undefined;
}

export interface MessageInput {
  channel: string;
  user?: string | undefined;
  text: string;
  ts?: string | undefined;
  threadTs?: string | undefined;
  channelType?: 'channel' | 'group' | 'im' | undefined;
  botId?: string | undefined;
  subtype?: string | undefined;
}

export interface BlockActionInput {
  userId: string;
  userName?: string | undefined;
  channelId: string;
  messageTs: string;
  threadTs?: string | undefined;
  actionId: string;
  value: string;
  triggerId?: string | undefined;
}

export interface ViewSubmissionInput {
  userId: string;
  userName?: string | undefined;
  callbackId: string;
  privateMetadata: string;
  /** block_id → action_id → typed value. */
  values: Record<string, Record<string, string | undefined>>;
  viewId?: string | undefined;
}

export class SlackRequests {
  #ts = 0;

  constructor(
    /** http://127.0.0.1:<port>/slack/events */
    readonly url: string,
    readonly signingSecret: string,
    readonly teamId = 'T0CREWTEST',
    readonly appId = 'A0CREWBOT',
  ) {}

  /** A fresh message ts, as Slack would give a message a person just wrote. */
  nextTs(): string {
    this.#ts += 1;
    return `1710000000.${String(this.#ts).padStart(6, '0')}`;
  }

  slashCommand(input: SlashCommandInput, options: SendOptions = {}): Promise<SlackDelivery> {
    return this.deliver(this.slashCommandRequest(input, options));
  }

  /** A slash command signed and ready to send, for a client of the caller's own (a benchmark's burst). */
  slashCommandRequest(input: SlashCommandInput, options: SendOptions = {}): SignedRequest {
    const form = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'crew-test',
      channel_id: input.channelId,
      channel_name: input.channelId.startsWith('D') ? 'directmessage' : 'crew-test',
      user_id: input.userId,
      user_name: input.userName ?? input.userId.toLowerCase(),
      command: input.command ?? '/crew',
      text: input.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: input.responseUrl ?? `https://hooks.slack.com/commands/${this.teamId}/1/${randomUUID()}`,
      trigger_id: input.triggerId ?? `trigger-${randomUUID()}`,
    });
    return this.sign(form.toString(), 'application/x-www-form-urlencoded', options);
  }

  /** An event_callback with the given inner event; returns the event_id used. */
  async event(event: Record<string, unknown>, options: SendOptions & { eventId?: string } = {}): Promise<SlackDelivery & { eventId: string }> {
    const eventId = options.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    const body = {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: this.appId,
      event: { event_ts: event['ts'], ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.teamId, user_id: 'U0CREWBOT', is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
    };
    return { ...(await this.send(JSON.stringify(body), 'application/json', options)), eventId };
  }

  /** A message event (message.channels / message.groups / message.im). */
  message(input: MessageInput, options: SendOptions & { eventId?: string } = {}) {
    return this.event(messageEvent('message', input, this.nextTs()), options);
  }

  /** An app_mention event: the text should carry `<@U0CREWBOT>`. */
  appMention(input: MessageInput, options: SendOptions & { eventId?: string } = {}) {
    return this.event(messageEvent('app_mention', input, this.nextTs()), options);
  }

  blockAction(input: BlockActionInput, options: SendOptions = {}): Promise<SlackDelivery> {
    const payload = {
      type: 'block_actions',
      team: { id: this.teamId, domain: 'crew-test' },
      user: { id: input.userId, username: input.userName ?? input.userId.toLowerCase(), name: input.userName ?? input.userId.toLowerCase(), team_id: this.teamId },
      api_app_id: this.appId,
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false, ...(input.threadTs ? { thread_ts: input.threadTs } : {}) },
      trigger_id: input.triggerId ?? `trigger-${randomUUID()}`,
      channel: { id: input.channelId, name: 'crew-test' },
      message: { type: 'message', ts: input.messageTs, ...(input.threadTs ? { thread_ts: input.threadTs } : {}), bot_id: 'B0CREWBOT', text: '' },
      response_url: `https://hooks.slack.com/actions/${this.teamId}/1/${randomUUID()}`,
      actions: [{ type: 'button', action_id: input.actionId, block_id: 'b', value: input.value, action_ts: `${Date.now() / 1000}` }],
    };
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options);
  }

  viewSubmission(input: ViewSubmissionInput, options: SendOptions = {}): Promise<SlackDelivery> {
    const values = Object.fromEntries(
      Object.entries(input.values).map(([blockId, actions]) => [
        blockId,
        Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value: value ?? null }])),
      ]),
    );
    const payload = {
      type: 'view_submission',
      team: { id: this.teamId, domain: 'crew-test' },
      user: { id: input.userId, username: input.userName ?? input.userId.toLowerCase(), name: input.userName ?? input.userId.toLowerCase(), team_id: this.teamId },
      api_app_id: this.appId,
      token: 'deprecated-verification-token',
      trigger_id: `trigger-${randomUUID()}`,
      view: {
        id: input.viewId ?? `V${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
        team_id: this.teamId,
        type: 'modal',
        callback_id: input.callbackId,
        private_metadata: input.privateMetadata,
        state: { values },
        hash: '1.hash',
        app_id: this.appId,
      },
      response_urls: [],
    };
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options);
  }

  urlVerification(challenge: string): Promise<SlackDelivery> {
    return this.send(JSON.stringify({ token: 'deprecated-verification-token', challenge, type: 'url_verification' }), 'application/json');
  }

  /** Any body, signed (or not) as given. */
  send(body: string, contentType: string, options: SendOptions = {}): Promise<SlackDelivery> {
    return this.deliver(this.sign(body, contentType, options));
  }

  /** A body with the headers Slack sends with it, signed (or not) as given. */
  sign(body: string, contentType: string, options: SendOptions = {}): SignedRequest {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(options.secret ?? this.signingSecret, timestamp, body),
    };
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return { url: this.url, headers, body };
  }

  async deliver(request: SignedRequest): Promise<SlackDelivery> {
    const started = performance.now();
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const text = await response.text();
    return { status: response.status, body: text, ms: performance.now() - started };
  }
}

/** A POST as Slack would send it to the app's /slack/events. */
export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Slack's v0 request signature. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

function messageEvent(type: 'message' | 'app_mention', input: MessageInput, freshTs: string): Record<string, unknown> {
  const ts = input.ts ?? freshTs;
  return {
    type,
    channel: input.channel,
    ...(input.user ? { user: input.user } : {}),
    text: input.text,
    ts,
    ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
    ...(type === 'message' ? { channel_type: input.channelType ?? (input.channel.startsWith('D') ? 'im' : 'channel') } : {}),
    ...(input.botId ? { bot_id: input.botId } : {}),
    ...(input.subtype ? { subtype: input.subtype } : {}),
    team: 'T0CREWTEST',
  };
}
