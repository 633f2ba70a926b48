import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible Chat Completions server on loopback. Tests point the real `openai`
 * client at `url` and script each reply; every request is recorded for assertions.
 */

export interface ScriptedToolCall {
  name: string;
  /** An object is sent as JSON; a string is sent as is (to script malformed arguments). */
  arguments: unknown;
  id?: string;
}

export interface ScriptedReply {
  content?: string | null;
  toolCalls?: ScriptedToolCall[];
  /** Defaults to a deterministic estimate: characters / 4 of the request messages and of the reply. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Latency before answering. */
  delayMs?: number;
  /** An error response with this HTTP status (429, 500, 400, ...). */
  status?: number;
  /** Seconds, sent as the Retry-After header of an error response. */
  retryAfter?: number;
  /** Body of an error response; defaults to an OpenAI-style `{ error: { message, type, code } }`. */
  errorBody?: unknown;
  /** Never answer (for timeouts); the server still closes. */
  hang?: boolean;
  /** Sent verbatim as the JSON body instead of a built completion (for malformed or partial responses). */
  body?: unknown;
  /** Streamed requests: the text goes out in pieces of this many characters (default: all in one chunk). */
  chunkChars?: number;
  /** Streamed requests: a pause before each chunk (a slow model). */
  chunkDelayMs?: number;
  /** Streamed requests: after the first chunk, an `error` event instead of the rest. */
  streamError?: string;
}

/**
 * How the server treats `stream: true`: `sse` streams Server-Sent Events; `refuse` answers 400 the
 * way OpenAI refuses streaming for a model; `ignore` answers with a whole completion as if
 * `stream` were not there (some compatible servers do).
 */
export type StreamingMode = 'sse' | 'refuse' | 'ignore';

export interface RecordedRequest {
  body: Record<string, unknown>;
  messages: Array<{ role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }>;
  model: string;
  /** Names of the tools offered. */
  tools: string[];
  /** Content of the first system message ('' if none). */
  system: string;
  /** Content of the last user message ('' if none). */
  lastUser: string;
  headers: Record<string, string | string[] | undefined>;
  /** The client asked for `stream: true`. */
  stream: boolean;
  startedAt: number;
  finishedAt?: number;
}

export type ReplyFn = (req: RecordedRequest) => ScriptedReply | undefined;

export interface ScriptedOpenAI {
  /** Base URL for the openai client, ending in /v1. */
  url: string;
  /** Every chat.completions request, in arrival order. */
  requests: RecordedRequest[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** FIFO replies, used when no rule matches. */
  enqueue(...replies: ScriptedReply[]): void;
  /** A rule tried (in order, before the queue) on every request; the first non-undefined reply wins. */
  on(match: ReplyFn): void;
  /** A rule used at most once. */
  once(match: ReplyFn): void;
  /** The reply when no rule matches and the queue is empty. */
  setDefault(reply: ScriptedReply | ReplyFn | undefined): void;
  /**
   * Refuse requests longer than this many tokens (estimated as for usage: characters / 4 of the
   * messages and tools) the way OpenAI does: 400 with code `context_length_exceeded`. Undefined: no limit.
   */
  setContextWindow(tokens: number | undefined): void;
  /**
   * Serve only these models, the way a local server with a few models pulled does: a request for
   * any other gets OpenAI's 404 `model_not_found`. Undefined: every model is served.
   */
  serveOnly(models: string[] | undefined): void;
  /** Requests refused for their length so far. */
  refusedForLength: number;
  /** `sse` unless set. */
  setStreaming(mode: StreamingMode): void;
  close(): Promise<void>;
}

/** All message contents joined by newlines, for matching on anything the model was shown. */
export function textOf(req: RecordedRequest): string {
  return req.messages.map((m) => contentText(m.content)).join('\n');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        isRecord(part) && typeof part['text'] === 'string' ? part['text'] : JSON.stringify(part),
      )
      .join('');
  }
  return JSON.stringify(content);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Rule {
  match: ReplyFn;
  once: boolean;
  used: boolean;
}

export async function startScriptedOpenAI(): Promise<ScriptedOpenAI> {
  const rules: Rule[] = [];
  const queue: ScriptedReply[] = [];
  let fallback: ScriptedReply | ReplyFn | undefined;
  let contextWindow: number | undefined;
  let streaming: StreamingMode = 'sse';
  let servedModels: string[] | undefined;
  let inFlight = 0;
  let nextCallId = 1;
  let nextCompletionId = 1;
  const timers = new Set<NodeJS.Timeout>();

  const state: ScriptedOpenAI = {
    url: '',
    requests: [],
    maxInFlight: 0,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    on: (match) => {
      rules.push({ match, once: false, used: false });
    },
    once: (match) => {
      rules.push({ match, once: true, used: false });
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    setContextWindow: (tokens) => {
      contextWindow = tokens;
    },
    serveOnly: (models) => {
      servedModels = models;
    },
    refusedForLength: 0,
    setStreaming: (mode) => {
      streaming = mode;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function pickReply(req: RecordedRequest): ScriptedReply | undefined {
    for (const rule of rules) {
      if (rule.once && rule.used) continue;
      const reply = rule.match(req);
      if (reply !== undefined) {
        rule.used = true;
        return reply;
      }
    }
    const queued = queue.shift();
    if (queued) return queued;
    return typeof fallback === 'function' ? fallback(req) : fallback;
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function handleChat(body: Record<string, unknown>, httpReq: IncomingMessage, res: ServerResponse) {
    const recorded = recordRequest(body, httpReq);
    state.requests.push(recorded);
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
      recorded.finishedAt ??= Date.now();
    });

    if (recorded.stream && streaming === 'refuse') {
      const refusal = errorBody("Unsupported value: 'stream' does not support true with this model.", 'invalid_request_error');
      sendJson(res, 400, { error: { ...(refusal['error'] as Record<string, unknown>), code: 'unsupported_value', param: 'stream' } });
      return;
    }

    if (servedModels && !servedModels.includes(recorded.model)) {
      const message = `The model \`${recorded.model}\` does not exist or you do not have access to it.`;
      sendJson(res, 404, { error: { message, type: 'invalid_request_error', code: 'model_not_found', param: null } });
      return;
    }

    const size = requestTokens(body);
    if (contextWindow !== undefined && size > contextWindow) {
      state.refusedForLength += 1;
      const message = `This model's maximum context length is ${contextWindow} tokens. However, your messages resulted in ${size} tokens. Please reduce the length of the messages.`;
      sendJson(res, 400, { error: { message, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' } });
      return;
    }

    let reply: ScriptedReply | undefined;
    try {
      reply = pickReply(recorded);
    } catch (error) {
      sendJson(res, 500, errorBody(`scripted reply rule threw: ${String(error)}`, 'server_error'));
      return;
    }
    if (!reply) {
      const excerpt = recorded.lastUser.slice(0, 300);
      sendJson(res, 500, errorBody(`scripted server has no reply for this request: ${excerpt}`, 'server_error'));
      return;
    }
    if (reply.delayMs) await wait(reply.delayMs);
    if (reply.hang) return; // left open until the client gives up or close() drops it
    if (res.destroyed) return;

    if (reply.status !== undefined && reply.status >= 400) {
      const headers: Record<string, string> = {};
      if (reply.retryAfter !== undefined) headers['retry-after'] = String(reply.retryAfter);
      const bodyOut = reply.errorBody ?? errorBody(`scripted error ${reply.status}`, errorType(reply.status));
      sendJson(res, reply.status, bodyOut, headers);
      return;
    }

    if (reply.body !== undefined) {
      sendJson(res, reply.status ?? 200, reply.body);
      return;
    }
    const completion = completionBody(recorded, reply);
    if (recorded.stream && streaming === 'sse') {
      await sendStream(res, completion, reply, includeUsage(recorded.body));
      return;
    }
    sendJson(res, reply.status ?? 200, completion);
  }

  /** The completion as Chat Completions chunks: text in pieces, each tool call's arguments in two, usage last. */
  async function sendStream(res: ServerResponse, completion: Completion, reply: ScriptedReply, withUsage: boolean): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model };
    const choice = completion.choices[0];
    const deltas: Array<Record<string, unknown>> = [{ role: 'assistant', content: '' }];
    const content = choice.message.content ?? '';
    const size = reply.chunkChars ?? Math.max(content.length, 1);
    for (let at = 0; at < content.length; at += size) deltas.push({ content: content.slice(at, at + size) });
    (choice.message.tool_calls ?? []).forEach((call, index) => {
      const half = Math.ceil(call.function.arguments.length / 2);
      deltas.push({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments.slice(0, half) } }] });
      deltas.push({ tool_calls: [{ index, function: { arguments: call.function.arguments.slice(half) } }] });
    });
    const events: unknown[] = deltas.map((delta) => ({ ...base, choices: [{ index: 0, delta, finish_reason: null }] }));
    events.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }] });
    if (withUsage) events.push({ ...base, choices: [], usage: completion.usage });
    for (const [index, event] of events.entries()) {
      if (reply.chunkDelayMs) await wait(reply.chunkDelayMs);
      if (res.destroyed) return;
      if (reply.streamError !== undefined && index === 2) {
        res.end(`data: ${JSON.stringify({ error: { message: reply.streamError, type: 'server_error', code: null } })}\n\n`);
        return;
      }
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }

  function completionBody(req: RecordedRequest, reply: ScriptedReply): Completion {
    const toolCalls = (reply.toolCalls ?? []).map((call) => ({
      id: call.id ?? `call_${nextCallId++}`,
      type: 'function' as const,
      function: {
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
      },
    }));
    const content = reply.content === undefined ? (toolCalls.length > 0 ? null : '') : reply.content;
    const promptTokens = reply.usage?.prompt_tokens ?? Math.ceil(JSON.stringify(req.messages).length / 4);
    const completionTokens =
      reply.usage?.completion_tokens ??
      Math.ceil(((content ?? '').length + JSON.stringify(toolCalls).length * (toolCalls.length > 0 ? 1 : 0)) / 4);
    const message: Completion['choices'][0]['message'] = { role: 'assistant', content, refusal: null };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return {
      id: `chatcmpl-scripted-${nextCompletionId++}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.model,
      choices: [
        { index: 0, message, logprobs: null, finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop' },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
  }

  const server = createServer((httpReq, res) => {
    const chunks: Buffer[] = [];
    httpReq.on('data', (chunk: Buffer) => chunks.push(chunk));
    httpReq.on('end', () => {
      const path = (httpReq.url ?? '').split('?')[0];
      if (httpReq.method === 'GET' && path === '/v1/models') {
        sendJson(res, 200, {
          object: 'list',
          data: [{ id: 'test-model', object: 'model', created: 0, owned_by: 'scripted' }],
        });
        return;
      }
      if (httpReq.method === 'POST' && path === '/v1/chat/completions') {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          sendJson(res, 400, errorBody('request body is not valid JSON', 'invalid_request_error'));
          return;
        }
        if (!isRecord(body)) {
          sendJson(res, 400, errorBody('request body must be a JSON object', 'invalid_request_error'));
          return;
        }
        void handleChat(body, httpReq, res);
        return;
      }
      sendJson(res, 404, errorBody(`no route ${httpReq.method ?? ''} ${path ?? ''}`, 'invalid_request_error'));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/v1`;
  return state;
}

interface Completion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> };
      logprobs: null;
      finish_reason: 'tool_calls' | 'stop';
    },
  ];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

function includeUsage(body: Record<string, unknown>): boolean {
  const options = body['stream_options'];
  return isRecord(options) && options['include_usage'] === true;
}

function recordRequest(body: Record<string, unknown>, httpReq: IncomingMessage): RecordedRequest {
  const rawMessages = Array.isArray(body['messages']) ? body['messages'] : [];
  const messages = rawMessages.filter(isRecord).map((m) => {
    const out: RecordedRequest['messages'][number] = { role: typeof m['role'] === 'string' ? m['role'] : '' };
    if ('content' in m) out.content = m['content'];
    if ('tool_calls' in m) out.tool_calls = m['tool_calls'];
    if (typeof m['tool_call_id'] === 'string') out.tool_call_id = m['tool_call_id'];
    return out;
  });
  const tools = (Array.isArray(body['tools']) ? body['tools'] : []).flatMap((tool: unknown) => {
    const fn = isRecord(tool) ? tool['function'] : undefined;
    return isRecord(fn) && typeof fn['name'] === 'string' ? [fn['name']] : [];
  });
  const system = messages.find((m) => m.role === 'system');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return {
    body,
    messages,
    model: typeof body['model'] === 'string' ? body['model'] : '',
    tools,
    system: system ? contentText(system.content) : '',
    lastUser: lastUser ? contentText(lastUser.content) : '',
    headers: { ...httpReq.headers },
    stream: body['stream'] === true,
    startedAt: Date.now(),
  };
}

/** The size the scripted server counts for a request: characters / 4 of its messages and tools. */
export function requestTokens(body: Record<string, unknown>): number {
  const messages = JSON.stringify(body['messages'] ?? []).length;
  const tools = body['tools'] === undefined ? 0 : JSON.stringify(body['tools']).length;
  return Math.ceil((messages + tools) / 4);
}

function errorType(status: number): string {
  if (status === 401 || status === 403) return 'authentication_error';
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function errorBody(message: string, type: string): Record<string, unknown> {
  return { error: { message, type, code: type, param: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
