import type { Runtime } from '../runtime.ts';
import { CrewFileError } from '../crews/errors.ts';
import { errorMessage } from '../engine/errors.ts';
import { parseCommandArgs } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { chainProblems } from '../triggers/chainGraph.ts';

/** Every crew named (all crews when none is) is loaded; every problem of every crew is printed. */
export async function validateCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, 'crewbot validate [<crew|dir>...]');
  const targets = positionals.length > 0 ? positionals : (await runtime.listCrews()).map((crew) => crew.name);
  let failures = 0;
  const loadedCrews: LoadedCrew[] = [];
  for (const target of targets) {
    try {
      const loaded = await runtime.loadCrew(target);
      loadedCrews.push(loaded);
      for (const warning of [...loaded.warnings, ...(loaded.setupWarnings ?? [])]) io.err(`warning: ${warning}`);
      io.out(`ok ${target}`);
    } catch (error) {
      failures += 1;
      io.err(errorMessage(error));
      // A warning may be the cause of a problem (a misspelt key), so both are shown in one pass.
      if (error instanceof CrewFileError) for (const warning of error.warnings) io.err(`warning: ${warning}`);
    }
  }
  failures += await reportChainProblems(runtime, loadedCrews, io);
  return failures === 0 ? EXIT.ok : EXIT.usage;
}

/** `after:` triggers are checked across every crew, since a loop may pass through crews not named. */
async function reportChainProblems(runtime: Runtime, validated: LoadedCrew[], io: CliIo): Promise<number> {
  if (!validated.some((crew) => (crew.triggers ?? []).some((trigger) => 'after' in trigger))) return 0;
  const listed = await runtime.listCrews();
  const all = await Promise.all(listed.filter((crew) => !crew.error).map((crew) => runtime.loadCrew(crew.name).catch(() => undefined)));
  const named = new Set(validated.map((crew) => crew.spec.name));
  const problems = chainProblems(all.filter((crew): crew is LoadedCrew => crew !== undefined), listed.map((crew) => crew.name));
  const relevant = problems.filter((problem) => named.has(problem.crew) || problem.message.includes('loop'));
  for (const problem of relevant) io.err(`${runtime.config.CREWBOT_CREWS_DIR}/${problem.crew}/${problem.message}`);
  return relevant.length;
}
