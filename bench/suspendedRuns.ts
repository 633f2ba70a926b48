import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import sqlite3 from 'sqlite3';
import type { LoadedCrew } from '../src/crews/loadCrew.ts';
import { Crew } from '../src/engine/crew.ts';
import type { CrewEvent } from '../src/engine/events.ts';
import { newRunState, type RunState } from '../src/engine/runState.ts';
import { openRunStore } from '../src/runs/openRunStore.ts';
import { Runner } from '../src/runs/runner.ts';
import type { RunStore } from '../src/runs/runStore.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

/**
 * A store full of runs waiting for people: 3-task crews suspended on a review of task 2, task 1's
 * ~2 KB output done. How big the store gets, how fast one run resumes (answer + advance to the end
 * against a zero-latency model) among many, and whether the process's memory depends on how many
 * wait (it should not: a suspended run is only a record).
 */

export interface SuspendedRunsOptions {
  runs?: number;
  /** Resumes timed at each size, each on a different run. */
  samples?: number;
}

export interface SizeMeasurement {
  /** Runs in the store, and how many of them wait for an answer. */
  storedRuns: number;
  suspendedRuns: number;
  fileBytes: number;
  bytesPerRun: number;
  resumeP50Ms: number;
  resumeP99Ms: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export interface SuspendedRunsResult {
  fillMs: number;
  fillRunsPerSecond: number;
  checkpointBytes: number;
  eventsPerRun: number;
  small: SizeMeasurement;
  large: SizeMeasurement;
}

const TASK_IDS = ['research_task', 'draft_task', 'publish_task'];
const REQUESTER = { platform: 'slack' as const, userId: 'U_BENCH', name: 'Bench' };
const FILL_BATCH = 50;
const WARM_UP_RESUMES = 5;

const spec = crew({
  name: 'launch_crew',
  agents: [
    agent('researcher', { role: 'Market Researcher', goal: 'Find what customers say about {product}', backstory: 'You read every review and forum thread.' }),
    agent('writer', { role: 'Launch Writer', goal: 'Write the launch post for {product}', backstory: 'You have written launch posts for a decade.' }),
  ],
  tasks: [
    task('research_task', { agent: 'researcher', description: 'Summarize what customers say about {product}, with quotes.', expectedOutput: 'A summary of about 2 KB.' }),
    task('draft_task', { agent: 'writer', description: 'Draft the launch post for {product} from the research.', expectedOutput: 'A launch post.', humanInput: true, context: ['research_task'] }),
    task('publish_task', { agent: 'writer', description: 'Turn the approved post into three social posts.', expectedOutput: 'Three posts.' }),
  ],
});

const loaded: LoadedCrew = { spec, dir: '.', warnings: [], inputs: {}, surfaces: {} };

const RESEARCH = Array.from(
  { length: 16 },
  (_, i) => `Finding ${i + 1}: customers praise the battery life and the quiet fan, but ask for a lighter charger; "it just works", one wrote.`,
).join('\n');

const answers = () =>
  new ScriptedLlm((request) => {
    const prompt = request.messages.map((message) => message.content ?? '').join('\n');
    const content = prompt.includes('three social posts')
      ? 'Post 1: It is here.\nPost 2: Quieter than ever.\nPost 3: Lighter charger, as you asked.'
      : prompt.includes('Draft the launch post')
        ? `Launch post: ${RESEARCH.slice(0, 600)}`
        : RESEARCH;
    return { content, promptTokens: Math.ceil(prompt.length / 4), completionTokens: Math.ceil(content.length / 4) };
  });

/** One real suspended run: the engine runs the crew until it waits on the review of task 2. */
async function suspendedTemplate(): Promise<{ state: RunState; events: CrewEvent[] }> {
  const state: RunState = newRunState('template', spec.name, { product: 'Aero 14 laptop' }, TASK_IDS);
  const events: CrewEvent[] = [];
  const output = await new Crew(spec).run(state, { llm: answers(), onEvent: (event) => events.push(event) });
  if (output.status !== 'awaiting_input' || state.pending[0]?.kind !== 'review') throw new Error('the template run did not stop on a review');
  return { state, events };
}

/** Stores runs the way the Runner leaves them when they suspend: record, thread, output, events, checkpoint. */
async function fill(store: RunStore, template: { state: RunState; events: CrewEvent[] }, count: number): Promise<void> {
  const one = async () => {
    const runId = randomUUID();
    const thread = { platform: 'slack' as const, id: `slack:C0BENCH:${runId}` };
    const state: RunState = { ...structuredClone(template.state), runId };
    state.pending = state.pending.map((request) => ({ ...request, id: randomUUID() }));
    await store.createRun({ id: runId, crew: spec.name, inputs: state.inputs, requester: REQUESTER, thread });
    await store.indexThread(thread, runId);
    const research = state.tasks.research_task?.output;
    if (research) await store.saveTaskOutput(runId, 'research_task', research);
    for (const event of template.events) await store.appendEvent(runId, { ...event, runId });
    await store.saveCheckpoint(runId, state);
    await store.updateRun(runId, { status: 'awaiting_input', pending: state.pending, usage: state.usage });
  };
  for (let done = 0; done < count; done += FILL_BATCH) {
    await Promise.all(Array.from({ length: Math.min(FILL_BATCH, count - done) }, one));
  }
}

/** Answers `samples` different waiting runs and advances each to the end; milliseconds per resume. */
async function timeResumes(storeUrl: string, suspended: number, samples: number): Promise<number[]> {
  const store = await openRunStore(storeUrl);
  try {
    const runner = new Runner({ store, llm: answers(), loadCrew: async () => loaded, schedule: () => undefined });
    const picked = pickAtRandom(await store.listRuns({ status: ['awaiting_input'], limit: suspended }), samples + WARM_UP_RESUMES);
    const times: number[] = [];
    for (const [i, run] of picked.entries()) {
      const started = performance.now();
      await runner.answer(run.id, { answer: { type: 'approve' }, actor: REQUESTER });
      const finished = await runner.advance(run.id);
      const elapsed = performance.now() - started;
      if (finished.status !== 'completed') throw new Error(`run ${run.id} ended ${finished.status}: ${finished.error ?? ''}`);
      if (i >= WARM_UP_RESUMES) times.push(elapsed);
    }
    return times;
  } finally {
    await store.close();
  }
}

async function measure(storeUrl: string, file: string, storedRuns: number, suspendedRuns: number, samples: number): Promise<SizeMeasurement> {
  await foldWriteAheadLog(file);
  const fileBytes = (await stat(file)).size;
  const times = await timeResumes(storeUrl, suspendedRuns, samples);
  const memory = memoryAfterGc();
  return {
    storedRuns,
    suspendedRuns,
    fileBytes,
    bytesPerRun: fileBytes / storedRuns,
    resumeP50Ms: percentile(times, 0.5),
    resumeP99Ms: percentile(times, 0.99),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
}

export async function suspendedRuns(options: SuspendedRunsOptions = {}): Promise<SuspendedRunsResult> {
  const runs = options.runs ?? 10_000;
  const samples = options.samples ?? 50;
  const smallRuns = Math.max(samples + WARM_UP_RESUMES, Math.round(runs / 10));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-bench-store-'));
  const file = path.join(dir, 'crewbot.sqlite');
  const storeUrl = `sqlite://${file}`;
  try {
    const template = await suspendedTemplate();
    let fillMs = 0;
    const addRuns = async (count: number) => {
      const store = await openRunStore(storeUrl);
      const started = performance.now();
      await fill(store, template, count);
      fillMs += performance.now() - started;
      await store.close();
    };
    await addRuns(smallRuns);
    const small = await measure(storeUrl, file, smallRuns, smallRuns, samples);
    await addRuns(runs - smallRuns);
    // The runs resumed at the small size are completed now; the rest still wait.
    const large = await measure(storeUrl, file, runs, runs - samples - WARM_UP_RESUMES, samples);
    return {
      fillMs,
      fillRunsPerSecond: runs / (fillMs / 1000),
      checkpointBytes: JSON.stringify(template.state).length,
      eventsPerRun: template.events.length,
      small,
      large,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every committed write into the database file itself, so its size is the store's size. */
async function foldWriteAheadLog(file: string): Promise<void> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  await new Promise<void>((resolve, reject) => db.exec('PRAGMA wal_checkpoint(TRUNCATE);', (error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
}

/** Memory after a full collection; the collector is reached even when node runs without --expose-gc. */
function memoryAfterGc(): NodeJS.MemoryUsage {
  const gc = collector();
  gc();
  gc();
  return process.memoryUsage();
}

function collector(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  setFlagsFromString('--expose-gc');
  const exposed: unknown = runInNewContext('gc');
  if (typeof exposed !== 'function') throw new Error('cannot reach the garbage collector; run node with --expose-gc');
  return () => void exposed();
}

/** `count` different items, uniformly at random. */
function pickAtRandom<T>(items: T[], count: number): T[] {
  const pool = [...items];
  for (let i = 0; i < Math.min(count, pool.length); i += 1) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function formatSuspendedRuns(result: SuspendedRunsResult): string[] {
  const { small, large } = result;
  const size = (m: SizeMeasurement) =>
    `${m.suspendedRuns} suspended of ${m.storedRuns}: store ${mb(m.fileBytes)}, resume p50 ${m.resumeP50Ms.toFixed(1)} ms / p99 ${m.resumeP99Ms.toFixed(1)} ms (target < 50 ms), ` +
    `RSS ${mb(m.rssBytes)}, heap ${mb(m.heapUsedBytes)} after GC`;
  return [
    `suspended runs: filled at ${result.fillRunsPerSecond.toFixed(0)} runs/s; ${(large.bytesPerRun / 1024).toFixed(1)} KB per run on disk ` +
      `(checkpoint ${result.checkpointBytes} bytes of JSON, ${result.eventsPerRun} events)`,
    `  ${size(small)}`,
    `  ${size(large)}`,
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, samples: { type: 'string' } } });
  const result = await suspendedRuns({
    runs: values.runs === undefined ? undefined : Number(values.runs),
    samples: values.samples === undefined ? undefined : Number(values.samples),
  });
  for (const line of formatSuspendedRuns(result)) console.log(line);
}
