import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { startWorker, workerReady } from './fleetWorkers.ts';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LogLevel } from '@slack/bolt';
import { createClient } from '@keyv/redis';
import { answerPolicyOf } from '../src/chat/inbound/accessPolicy.ts';
import { createSlackAccess, startSlack } from '../src/chat/slack/index.ts';
import { loadConfig } from '../src/config.ts';
import { BullRunQueue } from '../src/runs/bullRunQueue.ts';
import { createRuntime } from '../src/runtime.ts';
import { handlingTimes, percentiles, Remote, type PaidWork, type Percentiles } from './slackAck.ts';
import { untilAllCompleted } from './takeovers.ts';

/**
 * A fleet under a burst: 200 `/crew` commands fired at once, on fresh connections, at a Slack front
 * end (Bolt's real HTTP receiver, `CREWBOT_QUEUE` set, so it only acknowledges, claims and enqueues)
 * with 2 `crewbot worker` processes on BullMQ and a Redis run store; each run is the 2-task
 * `briefing` crew at 300 ms per LLM call, posting into its Slack thread from the workers. With
 * `--kill`, one worker is killed with -9 once half the runs are done: every run must still
 * complete; prompts the scripted model answered twice and thread messages posted twice are counted,
 * and the time from the kill to the last run finishing is measured.
 *
 *   node bin/run-ts.js bench/fleetAck.ts [--kill]
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REDIS = 'redis://127.0.0.1:6379';
const SECRET = 'bench-signing-secret';
const LEASE_TTL_MS = 5_000;

export interface FleetAckResult {
  commands: number;
  ack: Percentiles;
  /** Inside the front end: request reaching the HTTP server → acknowledgement written. */
  inside: Percentiles;
  /** The front end's event-loop delay during the burst (ms): how long a new connection could wait to be read. */
  loopDelay: { p99: number; max: number };
  completed: number;
  llmCalls: number;
  /** Prompts the model answered (response finished) more than once, and how many extra answers. */
  answeredTwice: number;
  /** LLM calls in flight when the worker was killed: cut off, so done again by design. */
  inFlightAtKill: number;
  /** Messages whose text was already posted in the same thread, and threads that have any. */
  repeatedPosts: number;
  threadsWithRepeats: number;
  /** The texts posted twice (their first 120 characters), to tell which message it was. */
  repeatedTexts: string[];
  /** How many threads got how many messages (a takeover may post a fresh status message). */
  postsPerThread: Record<string, number>;
  /** Threads of completed runs that never got their result or the rating question under it (lost messages). */
  threadsEndedShort: number;
  killToLastMs?: number | undefined;
  /** Runs the killed worker held, and the time from the kill until the last of them finished. */
  takenOver: number;
  killToLastTakenOverMs?: number | undefined;
}

export async function fleetAck(options: { commands?: number; kill?: boolean } = {}): Promise<FleetAckResult> {
  const commands = options.commands ?? 200;
  const began = Date.now();
  // Where the bench is, on stderr: a stage that never ends names itself.
  const stage = (what: string) => process.stderr.write(`  [${((Date.now() - began) / 1000).toFixed(1)} s] ${what}\n`);
  const services = new Remote('services');
  const sender = new Remote('sender');
  const { slackApiUrl, openaiUrl } = await services.ready;
  await sender.ready;
  const space = `crewbot-fleet-ack-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    OPENAI_BASE_URL: openaiUrl,
    OPENAI_API_KEY: 'sk-bench',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: slackApiUrl,
    CREWBOT_CREWS_DIR: path.resolve(ROOT, 'test/fixtures/slack-crews'),
    CREWBOT_STORE: `${REDIS}?namespace=${space}`,
    CREWBOT_QUEUE: `${REDIS}?prefix=${space}-q`,
    CREWBOT_LEASE_TTL_MS: String(LEASE_TTL_MS),
  };
  const workers = [startWorker(env), startWorker(env)];
  await Promise.all(workers.map(workerReady));
  stage('workers ready');
  const config = loadConfig({ ...env, SLACK_SIGNING_SECRET: SECRET, PORT: '0' }, { dotenv: false });
  const runtime = createRuntime(config);
  const access = createSlackAccess(runtime);
  const { runner, store, close } = await runtime.openRunner({ answerPolicy: answerPolicyOf([access]) });
  const surface = await startSlack({ config, runtime, runner, access, statusEveryMs: 1_000, logLevel: LogLevel.ERROR });
  const url = `http://127.0.0.1:${surface.port}/slack/events`;
  const inside = handlingTimes(surface.server);
  try {
    await sender.fire(url, 1, 'help'); // the crews loaded once
    inside.length = 0;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const deliveries = await sender.fire(url, commands, 'briefing Rust-{i} audience=devs');
    loop.disable();
    if (deliveries.some((delivery) => delivery.status !== 200)) throw new Error('a command was not acknowledged with 200');
    stage('burst acknowledged');
    const { completed, finishedAt, killedAt, takenOver, lastTakenOverAt } = await untilAllCompleted(store, commands, options.kill ? workers[0] : undefined);
    stage('all runs completed');
    const paid = await settled(services);
    stage('thread messages settled');
    const answers = new Map<string, number>();
    for (const call of paid.llmCalls) if (call.finishedAt !== undefined) answers.set(call.prompt, (answers.get(call.prompt) ?? 0) + 1);
    // Per thread: how many messages, and texts posted more than once (a step's message repeated).
    const perThread = new Map<string, string[]>();
    for (const post of paid.threadPosts) {
      if (!post.threadTs) continue;
      const thread = `${post.channel}:${post.threadTs}`;
      perThread.set(thread, [...(perThread.get(thread) ?? []), post.text]);
    }
    const repeated = [...perThread.values()].map((texts) => texts.length - new Set(texts).size);
    const repeatedTexts = [...perThread.values()].flatMap((texts) => texts.filter((text, i) => texts.indexOf(text) !== i)).map((text) => text.slice(0, 120));
    const endedShort = [...perThread.values()].filter((texts) => !texts.some((text) => text.includes('— result')) || !texts.includes('How was this result?'));
    const postsPerThread: Record<string, number> = {};
    for (const texts of perThread.values()) postsPerThread[texts.length] = (postsPerThread[texts.length] ?? 0) + 1;
    return {
      commands,
      ack: percentiles(deliveries.map((delivery) => delivery.ms)),
      inside: percentiles(inside),
      loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
      completed,
      llmCalls: paid.llmCalls.length,
      answeredTwice: [...answers.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
      inFlightAtKill:
        killedAt === undefined ? 0 : paid.llmCalls.filter((call) => call.startedAt <= killedAt! && (call.finishedAt ?? Infinity) >= killedAt! - 50).length,
      repeatedPosts: repeated.reduce((sum, count) => sum + count, 0),
      threadsWithRepeats: repeated.filter((count) => count > 0).length,
      repeatedTexts,
      postsPerThread,
      threadsEndedShort: endedShort.length + Math.max(0, commands - perThread.size),
      killToLastMs: killedAt === undefined ? undefined : finishedAt - killedAt,
      takenOver,
      killToLastTakenOverMs: lastTakenOverAt !== undefined && killedAt !== undefined ? lastTakenOverAt - killedAt : undefined,
    };
  } finally {
    await surface.stop();
    await runner.shutdown();
    stage('front end stopped');
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((worker) => (worker.exitCode !== null || worker.signalCode ? undefined : new Promise((resolve) => worker.once('exit', resolve)))));
    stage('workers stopped');
    await close();
    const queue = new BullRunQueue(env.CREWBOT_QUEUE!);
    await queue.obliterate().catch(() => undefined);
    await queue.close();
    const admin = createClient({ url: REDIS });
    await admin.connect();
    for await (const keys of admin.scanIterator({ MATCH: `${space}*`, COUNT: 1000 })) if (keys.length) await admin.del(keys);
    await admin.close();
    await services.close();
    await sender.close();
  }
}

/**
 * What the services saw once the last status edits and results have landed: a run taken over near
 * the end may post its last messages seconds after its record says completed.
 */
async function settled(services: Remote): Promise<PaidWork> {
  let paid = await services.paid();
  for (let quiet = 0, waited = 0; quiet < 2_000 && waited < 20_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await services.paid();
    quiet = now.threadPosts.length === paid.threadPosts.length ? quiet + 500 : 0;
    paid = now;
  }
  return paid;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const kill = process.argv.includes('--kill');
  const r = await fleetAck({ kill });
  const line = (label: string, p: Percentiles, digits = 0) => console.log(`  ${label}: p50 ${p.p50.toFixed(digits)} ms, p99 ${p.p99.toFixed(digits)} ms, max ${p.max.toFixed(digits)} ms`);
  console.log(`fleet: ${r.commands} /crew at once, front end + 2 workers on BullMQ/Redis${kill ? ', one worker killed -9 at half' : ''}`);
  line('acknowledgement on fresh connections (target p99 < 300 ms)', r.ack);
  line('inside the front end', r.inside, 1);
  console.log(`  front end event-loop delay during the burst: p99 ${r.loopDelay.p99.toFixed(0)} ms, max ${r.loopDelay.max.toFixed(0)} ms`);
  console.log(`  runs completed ${r.completed}/${r.commands}; LLM calls ${r.llmCalls} (clean ${2 * r.commands})`);
  console.log(`  prompts answered twice: ${r.answeredTwice} (calls in flight at the kill: ${r.inFlightAtKill})`);
  console.log(`  thread messages posted twice (same text, same thread): ${r.repeatedPosts} in ${r.threadsWithRepeats} thread(s); threads by message count: ${JSON.stringify(r.postsPerThread)}`);
  for (const text of r.repeatedTexts) console.log(`    posted twice: ${JSON.stringify(text)}`);
  console.log(`  threads without their result or rating question: ${r.threadsEndedShort}`);
  if (r.killToLastMs !== undefined) {
    console.log(
      `  kill → last taken-over run (${r.takenOver} held by the killed worker) finished: ${((r.killToLastTakenOverMs ?? NaN) / 1000).toFixed(1)} s; ` +
        `kill → last run of all finished: ${(r.killToLastMs / 1000).toFixed(1)} s (lease ${LEASE_TTL_MS / 1000} s)`,
    );
  }
  process.exit(0);
}
