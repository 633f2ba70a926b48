import type { ChildProcess } from 'node:child_process';
import type { RunStore } from '../src/runs/runStore.ts';

/** Runs a worker process held (by its lease) when it was killed: the runs another worker must take over. */
export async function runsHeldBy(store: RunStore, pid: number): Promise<string[]> {
  const running = await store.listRuns({ status: ['running'], limit: 100_000 });
  const held = await Promise.all(running.map(async (run) => ((await store.leaseHolder(run.id))?.owner.includes(`:${pid}:`) ? run.id : undefined)));
  return held.filter((id): id is string => id !== undefined);
}

/** Resolves with the time the last of `runIds` reached a finished status. */
export async function lastOneFinished(store: RunStore, runIds: string[]): Promise<number> {
  const waiting = new Set(runIds);
  const began = Date.now();
  let toldAt = began;
  for (;;) {
    for (const id of [...waiting]) if ((await store.getRun(id))?.finishedAt !== undefined) waiting.delete(id);
    if (waiting.size === 0) return Date.now();
    // A wait far past any lease says which runs it is still waiting for, and how they stand.
    if (Date.now() - toldAt > 30_000) {
      toldAt = Date.now();
      const left = await Promise.all([...waiting].map(async (id) => `${id} ${(await store.getRun(id))?.status ?? 'missing'}`));
      process.stderr.write(`  still waiting ${((toldAt - began) / 1000).toFixed(0)} s for runs held by the killed worker: ${left.join(', ')}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface AllCompleted {
  /** Runs completed when the wait ended (at least the total). */
  completed: number;
  finishedAt: number;
  /** With a kill: when the worker was killed, how many runs it held, and when the last of them finished. */
  killedAt?: number | undefined;
  takenOver: number;
  lastTakenOverAt?: number | undefined;
}

/**
 * Waits until `total` runs have completed. Given `killAtHalf`, that worker process is killed with -9
 * once half have, and the runs it held are followed until the last of them finishes.
 */
export async function untilAllCompleted(store: RunStore, total: number, killAtHalf?: ChildProcess): Promise<AllCompleted> {
  let killedAt: number | undefined;
  let orphans: string[] = [];
  let takenOver: Promise<number> | undefined;
  let toldAt = Date.now();
  for (;;) {
    const completed = (await store.listRuns({ status: ['completed'], limit: total + 10 })).length;
    if (Date.now() - toldAt > 30_000) {
      toldAt = Date.now();
      process.stderr.write(`  ${completed} of ${total} runs completed so far\n`);
    }
    if (killAtHalf && killedAt === undefined && completed >= total / 2) {
      killAtHalf.kill('SIGKILL');
      killedAt = Date.now();
      orphans = await runsHeldBy(store, killAtHalf.pid!);
      process.stderr.write(`  killed a worker with -9 at ${completed} completed; it held ${orphans.length} runs\n`);
      takenOver = lastOneFinished(store, orphans);
    }
    if (completed >= total) {
      const finishedAt = Date.now();
      return { completed, finishedAt, killedAt, takenOver: orphans.length, lastTakenOverAt: takenOver ? await takenOver : undefined };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
