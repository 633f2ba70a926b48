import { CrewMemory } from '../learning/recall.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { age } from './duration.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot memory <crew> [--clear]';

/** What a crew with `memory: true` recalls of its earlier runs, or (--clear) a fresh start. */
export async function memoryCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { clear: { type: 'boolean' } }, USAGE);
  const [crew, ...extra] = positionals;
  if (!crew || extra.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  const loaded = await runtime.loadCrew(crew);
  const { store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    const memory = new CrewMemory(store);
    const name = loaded.spec.name;
    if (values.clear) {
      const forgotten = (await memory.runs(name, Number.MAX_SAFE_INTEGER)).length;
      await memory.clear(name);
      io.out(`${name} no longer recalls its ${forgotten} earlier run${forgotten === 1 ? '' : 's'}; the runs themselves are kept (crewbot runs).`);
      return EXIT.ok;
    }
    if (!loaded.learning?.memory) io.out(`${name} has memory off: set memory: true in its crew.yaml for later runs to recall these.`);
    const runs = await memory.runs(name);
    if (runs.length === 0) {
      io.out(`${name} recalls no earlier runs yet: completed runs are recalled by later ones.`);
      return EXIT.ok;
    }
    io.out(`${name} recalls its ${runs.length} latest completed run${runs.length === 1 ? '' : 's'} (each task is offered the most relevant, briefly):`);
    const now = Date.now();
    for (const run of runs) {
      const inputs = Object.entries(run.inputs).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ');
      io.out(`  ${run.id}  ${age(run.finishedAt ?? run.updatedAt, now)} ago  ${inputs}`);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
