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
  /** Members of a user group, for usergroups.users.list. */
  setUserGroup(id: string, users: string[]): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const calls: SlackCall[] = [];
  const messages: FakeMessage[] = [];
  const uploads: FakeUpload[] = [];
  const rateLimits = new Map<string, { times: number; retryAfter: number }>();
  const failures = new Map<string, { error: string; times: number }>();
  const groups = new Map<string, string[]>();
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
        return {};
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
    setUserGroup: (id, users) => void groups.set(id, users),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
