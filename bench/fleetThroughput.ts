import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startWorker, workerReady } from './fleetWorkers.ts';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from '@keyv/redis';
import { loadConfig } from '../src/config.ts';
import { BullRunQueue } from '../src/runs/bullRunQueue.ts';
import { openRunStore } from '../src/runs/openRunStore.ts';
import { createRuntime } from '../src/runtime.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../test/support/scriptedOpenAI.ts';
import { untilAllCompleted } from './takeovers.ts';

/**
 * Runs of a two-task crew at a fixed model latency, advanced by the in-process queue or by 1, 2, 4
 * `crewbot worker` processes on BullMQ (real Redis at 127.0.0.1:6379); optionally one worker is
 * killed with -9 midway. Counts LLM calls at the scripted model: a completed call paid twice would
 * show as more than two per run.
 *
 *   node bin/run-ts.js bench/fleetThroughput.ts [--runs 1000] [--latency-ms 200] [--workers 1,2,4] [--kill]
 */

const REDIS = 'redis://127.0.0.1:6379';

export interface FleetResult {
  mode: string;
  runs: number;
  seconds: number;
  runsPerSecond: number;
  llmCalls: number;
  /** Kill mode: from the kill to the last run finishing. */
  killToLastMs?: number;
  /** Kill mode: runs the killed worker held, and from the kill until the last of them finished. */
  takenOver?: number;
  killToLastTakenOverMs?: number;
}

async function crewsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-fleet-bench-'));
  const crew = path.join(dir, 'two_steps');
  await mkdir(crew);
  await writeFile(path.join(crew, 'agents.yaml'), 'writer:\n  role: Writer\n  goal: Write\n  backstory: You write.\n');
  await writeFile(
    path.join(crew, 'tasks.yaml'),
    'outline_task:\n  description: Step one for {topic}.\n  expected_output: An outline.\n  agent: writer\n' +
      'draft_task:\n  description: Step two for {topic}.\n  expected_output: A draft.\n  agent: writer\n',
  );
  return dir;
}


async function measure(server: ScriptedOpenAI, crews: string, runs: number, workers: number, kill: boolean): Promise<FleetResult> {
  const space = `crewbot-bench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: 'sk-bench',
    CREWBOT_CREWS_DIR: crews,
    CREWBOT_STORE: `${REDIS}?namespace=${space}`,
    CREWBOT_LEASE_TTL_MS: '5000',
    ...(workers > 0 ? { CREWBOT_QUEUE: `${REDIS}?prefix=${space}-q` } : {}),
  };
  const callsBefore = server.requests.length;
  const children = Array.from({ length: workers }, () => startWorker(env));
  await Promise.all(children.map(workerReady));
  const runtime = createRuntime(loadConfig({ ...env }, { dotenv: false }));
  const frontEnd = await runtime.openRunner();
  const store = await openRunStore(env.CREWBOT_STORE!);
  const started = Date.now();
  for (let i = 0; i < runs; i++) {
    await frontEnd.runner.kickoff({ crew: 'two_steps', inputs: { topic: `t${i}` }, requester: { platform: 'cli', userId: 'bench' } });
  }
  const { finishedAt: finished, killedAt, takenOver, lastTakenOverAt: lastTakenOver } = await untilAllCompleted(store, runs, kill ? children[0] : undefined);
  if (workers === 0) await frontEnd.runner.idle();
  await frontEnd.close();
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve)))));
  if (workers > 0) {
    const queue = new BullRunQueue(env.CREWBOT_QUEUE!);
    await queue.obliterate();
    await queue.close();
  }
  await store.close();
  const admin = createClient({ url: REDIS });
  await admin.connect();
  for await (const keys of admin.scanIterator({ MATCH: `${space}*`, COUNT: 1000 })) if (keys.length) await admin.del(keys);
  await admin.close();
  const seconds = (finished - started) / 1000;
  return {
    mode: workers === 0 ? 'in-process queue' : `${workers} worker(s)${kill ? ', one killed -9 midway' : ''}`,
    runs,
    seconds,
    runsPerSecond: runs / seconds,
    llmCalls: server.requests.length - callsBefore,
    ...(killedAt !== undefined ? { killToLastMs: finished - killedAt, takenOver } : {}),
    ...(killedAt !== undefined && lastTakenOver !== undefined ? { killToLastTakenOverMs: lastTakenOver - killedAt } : {}),
  };
}

export async function fleetThroughput(options: { runs: number; latencyMs: number; workers: number[]; kill: boolean }): Promise<FleetResult[]> {
  const server = await startScriptedOpenAI();
  server.setDefault({ content: 'Done.', delayMs: options.latencyMs });
  const crews = await crewsDir();
  const results: FleetResult[] = [];
  try {
    results.push(await measure(server, crews, options.runs, 0, false));
    for (const workers of options.workers) results.push(await measure(server, crews, options.runs, workers, false));
    if (options.kill) results.push(await measure(server, crews, options.runs, 2, true));
  } finally {
    await server.close();
    await rm(crews, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, 'latency-ms': { type: 'string' }, workers: { type: 'string' }, kill: { type: 'boolean' } },
  });
  const results = await fleetThroughput({
    runs: Number(values.runs ?? 1000),
    latencyMs: Number(values['latency-ms'] ?? 200),
    workers: (values.workers ?? '1,2,4').split(',').map(Number),
    kill: values.kill ?? false,
  });
  for (const r of results) {
    console.log(
      `${r.mode}: ${r.runs} runs in ${r.seconds.toFixed(1)} s = ${r.runsPerSecond.toFixed(2)} runs/s; LLM calls ${r.llmCalls} (clean: ${r.runs * 2})` +
        (r.killToLastMs !== undefined
          ? `; kill → last of the ${r.takenOver ?? 0} taken-over runs finished ${((r.killToLastTakenOverMs ?? NaN) / 1000).toFixed(1)} s, last run of all ${(r.killToLastMs / 1000).toFixed(1)} s`
          : ''),
    );
  }
  process.exit(0);
}
