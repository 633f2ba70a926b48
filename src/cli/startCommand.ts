import type { Runtime } from '../runtime.ts';
import { EXIT, type CliIo } from './io.ts';
import { listCommand } from './listCommand.ts';

/** `npm start`: shows the crews and how to run one. */
export async function startCommand(runtime: Runtime, io: CliIo): Promise<number> {
  io.out('crewbot — crews of LLM agents\n');
  await listCommand([], runtime, io);
  io.out('\nRun one:  npx crewbot run <crew> --input name=value');
  if (!runtime.config.OPENAI_API_KEY && !runtime.config.OPENAI_BASE_URL) {
    io.out('Set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) in .env first: see .env.example.');
  }
  return EXIT.ok;
}
