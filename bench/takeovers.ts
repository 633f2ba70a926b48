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
  for (;;) {
    for (const id of [...waiting]) if ((await store.getRun(id))?.finishedAt !== undefined) waiting.delete(id);
    if (waiting.size === 0) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
