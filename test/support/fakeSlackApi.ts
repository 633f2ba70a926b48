import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API on loopback. Point a WebClient at `url` (slackApiUrl / SLACK_API_URL); every
 * call is recorded with its method, arguments and headers, and answered the way Slack answers it.
 * Messages are kept (and edited by chat.update) so a test can read a thread as people would see it.
 */

export interface SlackCall {
  /** Web API method (`chat.postMessage`), or `upload` / `response_url` for those URLs. */
  method: string;
  /** Form fields; `blocks`, `view`, `files` and other JSON fields parsed. */
  args: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** HTTP status sent back (429 for a rate-limited call). */
  status: number;
  /** The `error` of an `ok: false` answer. */
  error?: string | undefined;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  threadTs?: string | undefined;
  text: string;
  blocks: unknown[];
  /** How many times chat.update edited it. */
  edits: number;
}

export interface FakeUpload {
  fileId: string;
  filename: string;
  content: string;
  channel?: string | undefined;
  threadTs?: string | undefined;
  initialComment?: string | undefined;
}

/** A chunk as Slack's streaming methods take it (`markdown_text`, `task_update`, `plan_update`, `blocks`). */
export interface StreamChunk {
  type: string;
  [field: string]: unknown;
}

/** A message being streamed (chat.startStream … chat.stopStream), with every chunk in the order sent. */
export interface FakeStream {
  channel: string;
  ts: string;
  threadTs: string;
  taskDisplayMode: string;
  recipientUserId?: string | undefined;
  recipientTeamId?: string | undefined;
  state: 'streaming' | 'stopped';
  /** Every chunk, `markdown_text` arguments included as markdown_text chunks, as the three methods received them. */
  chunks: StreamChunk[];
  /** Blocks chat.stopStream put under the finished message. */
  finalBlocks: unknown[];
}

/** A streamed message as people see it: each task card at its latest state, the text so far. */
export interface StreamView {
  tasks: Array<{ id: string; title: string; status: string; details?: string; output?: string; sources?: Array<{ url: string; text: string }> }>;
  text: string;
}

export interface FakeSlackApi {
  /** Base URL of the Web API, ending in /api/. */
  url: string;
  /** Origin of the server, for response_urls. */
  origin: string;
  team: { id: string };
  bot: { userId: string; botId: string };
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Messages posted (with their latest content), in order. */
  messages: FakeMessage[];
  message(channel: string, ts: string): FakeMessage | undefined;
  /** Messages in a thread, the root first when it was posted through the API. */
  thread(channel: string, threadTs: string): FakeMessage[];
  uploads: FakeUpload[];
  /** A URL for a response_url that records what is posted to it. */
  responseUrl(id: string): string;
  /** The next `times` calls to `method` get HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimit(method: string, times: number, retryAfterSec: number): void;
  /** Calls to `method` answer `{ ok: false, error }` (`times` of them, or all). */
  failWith(method: string, error: string, times?: number): void;
  /** Streams, in the order they were started. */
  streams: FakeStream[];
  /** Streams started in a thread. */
  streamsIn(channel: string, threadTs: string): FakeStream[];
  /** Ends every stream still open, as Slack does with a stream left idle too long. */
  expireStreams(): void;
  /** Refuse the three streaming methods as Slack does where the app cannot stream (e.g. `not_allowed_token_type`). */
  refuseStreaming(error: string): void;
  /** Members of a user group, for usergroups.users.list. */
  setUserGroup(id: string, users: string[]): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata', 'chunks', 'prompts']);

/** Slack's documented limits for streamed messages. */
const MARKDOWN_LIMIT = 12_000;
const TASK_FIELD_LIMIT = 256;
const TASK_STATUSES = new Set(['pending', 'in_progress', 'complete', 'error']);
const STREAM_METHODS = ['chat.startStream', 'chat.appendStream', 'chat.stopStream'];

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: SlackCall[] = [];
  const messages: FakeMessage[] = [];
  const uploads: FakeUpload[] = [];
  const rateLimits = new Map<string, { times: number; retryAfter: number }>();
  const failures = new Map<string, { error: string; times: number }>();
  const groups = new Map<string, string[]>();
  const streams: FakeStream[] = [];
  let sequence = 0;
  const team = { id: 'T0CREWTEST' };
  const bot = { userId: 'U0CREWBOT', botId: 'B0CREWBOT' };

  const nextTs = () => {
    sequence += 1;
    return `${1700000000 + Math.floor(sequence / 1000)}.${String((sequence % 1000) * 100).padStart(6, '0')}`;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { ok: false, error: `fake_slack_failed: ${String(error)}` });
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/upload/')) {
      const fileId = path.slice('/upload/'.length);
      const content = await uploadedContent(req.headers, raw);
      const upload = uploads.find((candidate) => candidate.fileId === fileId);
      calls.push({ method: 'upload', args: { fileId, bytes: raw.length }, headers: req.headers, status: upload ? 200 : 404 });
      if (!upload) return sendText(res, 404, 'unknown upload');
      upload.content = content;
      return sendText(res, 200, 'OK - ' + content.length);
    }
    if (path.startsWith('/response/')) {
      calls.push({ method: 'response_url', args: { id: path.slice('/response/'.length), ...parseJsonBody(raw) }, headers: req.headers, status: 200 });
      return sendText(res, 200, 'ok');
    }
    const method = path.replace(/^\/api\//, '');
    const args = parseArgs(req.headers['content-type'], raw);
    const call: SlackCall = { method, args, headers: req.headers, status: 200 };
    calls.push(call);

    const limit = rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      call.status = 429;
      call.error = 'ratelimited';
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
    }
    if (!/^Bearer xox[bp]-/.test(String(req.headers.authorization ?? ''))) return fail(res, call, 'not_authed');
    const failure = failures.get(method);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return fail(res, call, failure.error);
    }
    const reply = answer(method, args);
    if ('error' in reply && typeof reply.error === 'string') return fail(res, call, reply.error);
    send(res, 200, { ok: true, ...reply });
  }

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const text = (key: string) => (typeof args[key] === 'string' ? (args[key] as string) : undefined);
    switch (method) {
      case 'auth.test':
        return { url: 'https://crew-test.slack.com/', team: 'Crew Test', user: 'crewbot', team_id: team.id, user_id: bot.userId, bot_id: bot.botId };
      case 'chat.postMessage': {
        const channel = text('channel');
        if (!channel) return { error: 'channel_not_found' };
        if (!text('text') && !Array.isArray(args.blocks)) return { error: 'no_text' };
        const message: FakeMessage = {
          channel,
          ts: nextTs(),
          threadTs: text('thread_ts'),
          text: text('text') ?? '',
          blocks: Array.isArray(args.blocks) ? args.blocks : [],
          edits: 0,
        };
        messages.push(message);
        return { channel, ts: message.ts, message: { type: 'message', text: message.text, user: bot.userId, bot_id: bot.botId, ts: message.ts, thread_ts: message.threadTs } };
      }
      case 'chat.update': {
        const found = messages.find((message) => message.channel === text('channel') && message.ts === text('ts'));
        if (!found) return { error: 'message_not_found' };
        found.text = text('text') ?? found.text;
        if (Array.isArray(args.blocks)) found.blocks = args.blocks;
        found.edits += 1;
        return { channel: found.channel, ts: found.ts, text: found.text };
      }
      case 'chat.postEphemeral':
        if (!text('channel') || !text('user')) return { error: 'channel_not_found' };
        return { message_ts: nextTs() };
      case 'views.open':
      case 'views.update':
      case 'views.push': {
        const view = args.view;
        if (typeof view !== 'object' || view === null) return { error: 'invalid_arguments' };
        return { view: { id: `V${String(++sequence).padStart(8, '0')}`, hash: `${sequence}.hash`, team_id: team.id, ...view } };
      }
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setTitle':
      case 'assistant.threads.setSuggestedPrompts':
        return {};
      case 'chat.startStream': {
        const channel = text('channel');
        const threadTs = text('thread_ts');
        if (!channel) return { error: 'channel_not_found' };
        if (!threadTs) return { error: 'invalid_thread_ts' };
        // Outside a DM Slack needs to know whom the stream is for.
        if (!channel.startsWith('D') && !text('recipient_user_id')) return { error: 'missing_recipient_user_id' };
        if (!channel.startsWith('D') && !text('recipient_team_id')) return { error: 'missing_recipient_team_id' };
        const chunks = streamChunks(args);
        if ('error' in chunks) return chunks;
        const stream: FakeStream = {
          channel,
          ts: nextTs(),
          threadTs,
          taskDisplayMode: text('task_display_mode') ?? 'timeline',
          recipientUserId: text('recipient_user_id'),
          recipientTeamId: text('recipient_team_id'),
          state: 'streaming',
          chunks: chunks.list,
          finalBlocks: [],
        };
        streams.push(stream);
        messages.push({ channel, ts: stream.ts, threadTs, text: streamedText(stream), blocks: [], edits: 0 });
        return { channel, ts: stream.ts };
      }
      case 'chat.appendStream':
      case 'chat.stopStream': {
        const stream = streams.find((candidate) => candidate.channel === text('channel') && candidate.ts === text('ts'));
        if (!stream) return { error: 'message_not_found' };
        if (stream.state !== 'streaming') return { error: 'message_not_in_streaming_state' };
        const chunks = streamChunks(args);
        if ('error' in chunks) return chunks;
        if (method === 'chat.appendStream' && chunks.list.length === 0) return { error: 'no_text' };
        stream.chunks.push(...chunks.list);
        const message = messages.find((candidate) => candidate.channel === stream.channel && candidate.ts === stream.ts);
        if (message) message.text = streamedText(stream);
        if (method === 'chat.stopStream') {
          stream.state = 'stopped';
          stream.finalBlocks = Array.isArray(args.blocks) ? args.blocks : [];
          if (message) message.blocks = stream.finalBlocks;
        }
        return { channel: stream.channel, ts: stream.ts };
      }
      case 'usergroups.users.list': {
        const members = groups.get(text('usergroup') ?? '');
        return members ? { users: members } : { error: 'no_such_subteam' };
      }
      case 'conversations.info':
        return { channel: { id: text('channel'), name: 'crew-test', is_channel: true, is_member: true } };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++sequence).padStart(8, '0')}`;
        uploads.push({ fileId, filename: text('filename') ?? 'file', content: '' });
        return { upload_url: `${origin}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as Array<{ id?: string; title?: string }>) : [];
        for (const file of files) {
          const upload = uploads.find((candidate) => candidate.fileId === file.id);
          if (!upload) return { error: 'file_not_found' };
          upload.channel = text('channel_id');
          upload.threadTs = text('thread_ts');
          upload.initialComment = text('initial_comment');
        }
        return { files: files.map((file) => ({ id: file.id, title: file.title })) };
      }
      default:
        return { error: 'unknown_method' };
    }
  }

  function fail(res: ServerResponse, call: SlackCall, error: string): void {
    call.error = error;
    send(res, 200, { ok: false, error });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/`,
    origin,
    team,
    bot,
    calls,
    callsTo: (method) => calls.filter((call) => call.method === method),
    messages,
    message: (channel, ts) => messages.find((message) => message.channel === channel && message.ts === ts),
    thread: (channel, threadTs) => messages.filter((message) => message.channel === channel && (message.threadTs === threadTs || message.ts === threadTs)),
    uploads,
    responseUrl: (id) => `${origin}/response/${id}`,
    rateLimit: (method, times, retryAfterSec) => void rateLimits.set(method, { times, retryAfter: retryAfterSec }),
    failWith: (method, error, times = Number.POSITIVE_INFINITY) => void failures.set(method, { error, times }),
    streams,
    streamsIn: (channel, threadTs) => streams.filter((stream) => stream.channel === channel && stream.threadTs === threadTs),
    expireStreams: () => {
      for (const stream of streams) stream.state = 'stopped';
    },
    refuseStreaming: (error) => {
      for (const method of STREAM_METHODS) failures.set(method, { error, times: Number.POSITIVE_INFINITY });
    },
    setUserGroup: (id, users) => void groups.set(id, users),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The chunks of a streaming call, checked as Slack checks them: `markdown_text` (up to 12,000
 * characters) becomes the first chunk; task cards need an id, a title and a known status, with
 * their text fields at most 256 characters.
 */
function streamChunks(args: Record<string, unknown>): { list: StreamChunk[] } | { error: string } {
  const list: StreamChunk[] = [];
  if (typeof args.markdown_text === 'string' && args.markdown_text.length > 0) list.push({ type: 'markdown_text', text: args.markdown_text });
  if (args.chunks !== undefined && !Array.isArray(args.chunks)) return { error: 'invalid_chunks' };
  for (const chunk of (args.chunks as unknown[] | undefined) ?? []) {
    if (typeof chunk !== 'object' || chunk === null || typeof (chunk as StreamChunk).type !== 'string') return { error: 'invalid_chunks' };
    list.push(chunk as StreamChunk);
  }
  for (const chunk of list) {
    switch (chunk.type) {
      case 'markdown_text':
        if (typeof chunk.text !== 'string') return { error: 'invalid_chunks' };
        if (chunk.text.length > MARKDOWN_LIMIT) return { error: 'msg_too_long' };
        break;
      case 'task_update': {
        if (typeof chunk.id !== 'string' || typeof chunk.title !== 'string' || !TASK_STATUSES.has(String(chunk.status))) return { error: 'invalid_chunks' };
        for (const field of ['title', 'details', 'output'] as const) {
          const value = chunk[field];
          if (value !== undefined && (typeof value !== 'string' || value.length > TASK_FIELD_LIMIT)) return { error: 'invalid_chunks' };
        }
        if (chunk.sources !== undefined && !Array.isArray(chunk.sources)) return { error: 'invalid_chunks' };
        break;
      }
      case 'plan_update':
        if (typeof chunk.title !== 'string' || chunk.title.length > TASK_FIELD_LIMIT) return { error: 'invalid_chunks' };
        break;
      case 'blocks':
        if (!Array.isArray(chunk.blocks) || chunk.blocks.length > 50) return { error: 'invalid_chunks' };
        break;
      default:
        return { error: 'invalid_chunks' };
    }
  }
  return { list };
}

function streamedText(stream: FakeStream): string {
  return stream.chunks.map((chunk) => (chunk.type === 'markdown_text' ? String(chunk.text) : '')).join('');
}

/** A stream as it reads now: task cards merged by id (latest fields win, first position kept), text joined. */
export function streamView(stream: FakeStream): StreamView {
  const tasks = new Map<string, StreamView['tasks'][number]>();
  const optional = (value: unknown) => (typeof value === 'string' ? value : undefined);
  for (const chunk of stream.chunks) {
    if (chunk.type !== 'task_update') continue;
    const id = String(chunk.id);
    const previous = tasks.get(id);
    const sources = Array.isArray(chunk.sources) ? (chunk.sources as Array<{ url: string; text: string }>) : previous?.sources;
    tasks.set(id, {
      id,
      title: String(chunk.title),
      status: String(chunk.status),
      details: optional(chunk.details) ?? previous?.details,
      output: optional(chunk.output) ?? previous?.output,
      ...(sources ? { sources } : {}),
    });
  }
  return { tasks: [...tasks.values()], text: streamedText(stream) };
}

/** The WebClient sends form fields; structured ones (blocks, view, files) as JSON text. */
function parseArgs(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const body = raw.toString('utf8');
  if (contentType?.startsWith('application/json')) return parseJsonBody(raw);
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // left as text: Slack would answer invalid_arguments, the test sees what was sent
      }
    }
    args[key] = value;
  }
  return args;
}

function parseJsonBody(raw: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The upload step posts the file as multipart form data (or raw bytes); either way, its text. */
async function uploadedContent(headers: IncomingHttpHeaders, raw: Buffer): Promise<string> {
  const type = headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return raw.toString('utf8');
  const form = await new Request('http://upload.local/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return value.text();
  }
  return '';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

/** A message's blocks as text, to look for what a person would read in it. */
export function shownText(message: FakeMessage | undefined): string {
  return JSON.stringify(message?.blocks ?? []);
}

/** The action_ids of a message's buttons, in order. */
export function buttonsOf(message: FakeMessage | undefined): string[] {
  return buttonElements(message).map((button) => button.action_id ?? '');
}

/** The value carried by one of a message's buttons. */
export function buttonValue(message: FakeMessage, actionId: string): string {
  const button = buttonElements(message).find((candidate) => candidate.action_id === actionId);
  if (!button?.value) throw new Error(`message ${message.ts} has no ${actionId} button`);
  return button.value;
}

function buttonElements(message: FakeMessage | undefined): Array<{ action_id?: string; value?: string }> {
  return (message?.blocks ?? []).flatMap((block) => {
    const { type, elements } = block as { type?: string; elements?: Array<{ action_id?: string; value?: string }> };
    return type === 'actions' && elements ? elements : [];
  });
}

/** The mrkdwn text of a message's sections whose block_id starts with `prefix`, joined. */
export function sectionTexts(message: FakeMessage, prefix: string): string {
  return (message.blocks as Array<{ type?: string; block_id?: string; text?: { text?: string } }>)
    .filter((block) => block.type === 'section' && block.block_id?.startsWith(prefix))
    .map((block) => block.text?.text ?? '')
    .join('');
}
