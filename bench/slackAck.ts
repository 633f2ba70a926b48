import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LogLevel } from '@slack/bolt';
import { answerPolicyOf } from '../src/chat/inbound/accessPolicy.ts';
import { createSlackAccess, startSlack } from '../src/chat/slack/index.ts';
import { loadConfig } from '../src/config.ts';
import { OpenAiLlm } from '../src/llm/openaiLlm.ts';
import { openRunStore } from '../src/runs/openRunStore.ts';
import { Runner } from '../src/runs/runner.ts';
import { createRuntime } from '../src/runtime.ts';
import { startFakeSlackApi } from '../test/support/fakeSlackApi.ts';
import { startScriptedOpenAI } from '../test/support/scriptedOpenAI.ts';
import { SlackRequests, type SignedRequest } from '../test/support/slackRequests.ts';

/**
 * 200 `/crew` commands fired at once at Bolt's real HTTP receiver (signed), each starting a 2-task
 * crew: how soon each is acknowledged (p50, p99; Slack allows 3 s), and how many Web API calls one
 * run costs, counted at the fake Slack API. Status edits at production's pace (1 s), every LLM call
 * takes 300 ms. Slack sending the commands runs in one worker thread, Slack's Web API and the LLM
 * in another, as the remote services they stand for; the app, its Runner and its SQLite store in the
 * main thread. The burst is sent twice: on fresh connections, then on the connections left open.
 */

const SECRET = 'bench-signing-secret';
const BENCH_FILE = 'bench/slackAck.ts';
type Role = 'sender' | 'services';

type ToRemote = { fire: { url: string; count: number; text: string } } | { count: true } | { paid: true } | { close: true };
type FromRemote =
  | { ready: { slackApiUrl: string; openaiUrl: string } }
  | { fired: Array<{ status: number; ms: number }> }
  | { counted: Record<string, number> }
  | { paid: PaidWork };

/** What the remote services saw: each LLM call's prompt and times, and each message posted into a thread. */
export interface PaidWork {
  llmCalls: Array<{ prompt: string; startedAt: number; finishedAt?: number | undefined }>;
  threadPosts: Array<{ channel: string; threadTs: string | undefined; text: string }>;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

export interface SlackAckResult {
  commands: number;
  /** As Slack would see it (send → response), the burst on 200 fresh connections. */
  cold: Percentiles;
  /** The same burst again, on the connections the first one opened. */
  warm: Percentiles;
  /** Inside the app, both bursts: from the request reaching the HTTP server until the acknowledgement was written. */
  inside: Percentiles;
  callsPerRun: number;
  byMethod: Record<string, number>;
}

export async function slackAck(commands = 200): Promise<SlackAckResult> {
  const remote = new Remote('services');
  const sender = new Remote('sender');
  const { slackApiUrl, openaiUrl } = await remote.ready;
  await sender.ready;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-slack-bench-'));
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slackApiUrl,
      PORT: '0',
      CREWBOT_CREWS_DIR: path.resolve('test/fixtures/slack-crews'),
      CREWBOT_STORE: `sqlite://${path.join(dir, 'bench.sqlite')}`,
    },
    { dotenv: false },
  );
  const llm = new OpenAiLlm({ apiKey: 'sk-bench', baseURL: openaiUrl, defaultModel: 'bench-model', timeoutMs: 30_000 });
  const runtime = createRuntime(config, { llm });
  const store = await openRunStore(config.CREWBOT_STORE);
  const access = createSlackAccess(runtime);
  const runner = new Runner({ store, llm, loadCrew: runtime.loadCrew, answerPolicy: answerPolicyOf([access]) });
  const surface = await startSlack({ config, runtime, runner, access, statusEveryMs: 1_000, logLevel: LogLevel.ERROR });
  const url = `http://127.0.0.1:${surface.port}/slack/events`;
  const inside = handlingTimes(surface.server);

  const burst = async (expectedRuns: number): Promise<number[]> => {
    const deliveries = await sender.fire(url, commands, 'briefing Rust audience=devs');
    if (deliveries.some((delivery) => delivery.status !== 200)) throw new Error('a command was not acknowledged with 200');
    for (;;) {
      const runs = await store.listRuns({ limit: expectedRuns + 10 });
      if (runs.length === expectedRuns && runs.every((run) => run.status === 'completed')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await runner.idle();
    await surface.idle();
    return deliveries.map((delivery) => delivery.ms);
  };

  try {
    await sender.fire(url, 1, 'help'); // the crews loaded once
    await surface.idle();
    const before = await remote.counts();
    inside.length = 0;
    const cold = await burst(commands);
    const warm = await burst(2 * commands);
    const after = await remote.counts();
    const byMethod = Object.fromEntries(Object.entries(after).map(([method, count]) => [method, (count - (before[method] ?? 0)) / (2 * commands)]));
    const callsPerRun = Object.values(byMethod).reduce((sum, count) => sum + count, 0);
    return { commands, cold: percentiles(cold), warm: percentiles(warm), inside: percentiles(inside), callsPerRun, byMethod };
  } finally {
    await surface.stop();
    await runner.shutdown();
    await store.close();
    await remote.close();
    await sender.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The sender's connections: a burst opens one per request, and a later burst reuses them (Slack
 * keeps connections to an app open between requests).
 */
const senderConnections = new Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * One POST, timed from asking for a connection (a new one when none is free) to the last byte of
 * the response. Node's own HTTP client, not fetch: this sender shares the machine with what it
 * measures, and fetch's much larger per-request work on the client side would count as the app's.
 */
function post(request: SignedRequest): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const sent = httpRequest(request.url, { method: 'POST', agent: senderConnections, headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) } }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
      response.once('error', reject);
    });
    sent.once('error', reject);
    sent.end(request.body);
  });
}

/** Per request the front end's HTTP server handles: request read → response written (ms), as they finish. */
export function handlingTimes(server: Server | undefined): number[] {
  const times: number[] = [];
  server?.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    const arrived = performance.now();
    response.once('finish', () => times.push(performance.now() - arrived));
  });
  return times;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}

/** A worker thread playing a remote party: Slack sending requests, or Slack's Web API and the LLM. */
export class Remote {
  readonly #worker: Worker;
  readonly ready: Promise<{ slackApiUrl: string; openaiUrl: string }>;

  constructor(role: Role) {
    this.#worker = new Worker(path.resolve('bin/run-ts.js'), { argv: [BENCH_FILE], workerData: { role } });
    this.ready = this.#next().then((message) => {
      if (!('ready' in message)) throw new Error('the bench worker did not start');
      return message.ready;
    });
  }

  async fire(url: string, count: number, text: string): Promise<Array<{ status: number; ms: number }>> {
    this.#send({ fire: { url, count, text } });
    const message = await this.#next();
    if (!('fired' in message)) throw new Error('unexpected answer from the bench worker');
    return message.fired;
  }

  async counts(): Promise<Record<string, number>> {
    this.#send({ count: true });
    const message = await this.#next();
    if (!('counted' in message)) throw new Error('unexpected answer from the bench worker');
    return message.counted;
  }

  async paid(): Promise<PaidWork> {
    this.#send({ paid: true });
    const message = await this.#next();
    if (!('paid' in message)) throw new Error('unexpected answer from the bench worker');
    return message.paid;
  }

  async close(): Promise<void> {
    this.#send({ close: true });
    await new Promise((resolve) => this.#worker.once('exit', resolve));
  }

  #send(message: ToRemote): void {
    this.#worker.postMessage(message);
  }

  #next(): Promise<FromRemote> {
    return new Promise((resolve, reject) => {
      this.#worker.once('message', resolve);
      this.#worker.once('error', reject);
    });
  }
}

async function serveRemote(role: Role): Promise<void> {
  const port = parentPort!;
  const slackApi = role === 'services' ? await startFakeSlackApi() : undefined;
  const openai = role === 'services' ? await startScriptedOpenAI() : undefined;
  // The reply names the request it answers, so each run's prompts differ and a prompt answered twice shows.
  openai?.setDefault((request) => ({ content: `Done: five findings, then a short briefing (${request.lastUser.slice(0, 40)}).`, delayMs: 300 }));
  port.postMessage({ ready: { slackApiUrl: slackApi?.url ?? '', openaiUrl: openai?.url ?? '' } } satisfies FromRemote);
  port.on('message', (message: ToRemote) => {
    void (async () => {
      if ('fire' in message) {
        const slack = new SlackRequests(message.fire.url, SECRET);
        // Signed before the clock starts, as Slack has its request ready before it sends it.
        // `{i}` in the text makes each command's inputs (and so its prompts) its own.
        const requests = Array.from({ length: message.fire.count }, (_, i) =>
          slack.slashCommandRequest({ text: message.fire.text.replaceAll('{i}', String(i)), userId: `U0USER${i}`, channelId: 'C0BENCH' }),
        );
        const fired = await Promise.all(requests.map(post));
        port.postMessage({ fired: fired.map(({ status, ms }) => ({ status, ms })) } satisfies FromRemote);
      } else if ('paid' in message) {
        const llmCalls = (openai?.requests ?? []).map((request) => ({
          prompt: JSON.stringify(request.messages),
          startedAt: request.startedAt,
          finishedAt: request.finishedAt,
        }));
        const threadPosts = (slackApi?.messages ?? []).map((m) => ({ channel: m.channel, threadTs: m.threadTs, text: m.text }));
        port.postMessage({ paid: { llmCalls, threadPosts } } satisfies FromRemote);
      } else if ('count' in message) {
        const counted: Record<string, number> = {};
        for (const call of slackApi?.calls ?? []) counted[call.method] = (counted[call.method] ?? 0) + 1;
        port.postMessage({ counted } satisfies FromRemote);
      } else {
        await slackApi?.close();
        await openai?.close();
        port.close();
      }
    })();
  });
}

const role: unknown = isMainThread ? undefined : (workerData as { role?: unknown } | null)?.role;
if (role === 'sender' || role === 'services') {
  await serveRemote(role);
} else if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const result = await slackAck();
  const line = (label: string, p: Percentiles, digits = 0) => console.log(`  ${label}: p50 ${p.p50.toFixed(digits)} ms, p99 ${p.p99.toFixed(digits)} ms, max ${p.max.toFixed(digits)} ms`);
  console.log(`slack /crew acknowledgement, ${result.commands} commands at once (target p99 < 300 ms; Slack allows 3 s)`);
  line('on fresh connections', result.cold);
  line('again, connections open', result.warm);
  line('inside the app (request parsed → acknowledged)', result.inside, 1);
  console.log(`slack Web API calls per 2-task run: ${result.callsPerRun.toFixed(2)}`);
  for (const [method, count] of Object.entries(result.byMethod).sort()) if (count > 0) console.log(`  ${method}: ${count.toFixed(2)}`);
}
