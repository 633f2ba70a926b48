import type { Runtime } from '../runtime.ts';
import { errorMessage } from '../engine/errors.ts';
import { parseCommandArgs } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

/** Every crew named (all crews when none is) is loaded; every problem of every crew is printed. */
export async function validateCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, 'crewbot validate [<crew|dir>...]');
  const targets = positionals.length > 0 ? positionals : (await runtime.listCrews()).map((crew) => crew.name);
  let failures = 0;
  for (const target of targets) {
    try {
      const loaded = await runtime.loadCrew(target);
      for (const warning of loaded.warnings) io.err(`warning: ${warning}`);
      io.out(`ok ${target}`);
    } catch (error) {
      failures += 1;
      io.err(errorMessage(error));
    }
  }
  return failures === 0 ? EXIT.ok : EXIT.usage;
}
