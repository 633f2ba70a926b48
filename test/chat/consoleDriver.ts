import { PassThrough } from 'node:stream';
import { runConsoleSession, type CrewCatalog } from '../../src/chat/console/index.ts';
import { listCrews, loadCrew } from '../../src/crews/index.ts';
import type { AccessPolicy } from '../../src/chat/inbound/accessPolicy.ts';
import type { InboundPerson } from '../../src/chat/inbound/inboundEvent.ts';
import type { Runner } from '../../src/runs/runner.ts';
import type { RunnerHarness } from '../support/runnerHarness.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

/** The crews under a directory, loaded the way the runtime loads them. */
export function catalogFor(crewsDir: string): CrewCatalog {
  const options = { crewsDir, builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };
  return { listCrews: () => listCrews(options), loadCrew: (name) => loadCrew(name, options) };
}

/** A runner as `crewbot start` opens one: it advances runs only where the session follows them. */
export function consoleRunner(h: RunnerHarness): Runner {
  return h.anotherRunner({ schedule: () => undefined });
}

export const ADA = { platform: 'console' as const, userId: 'ada', name: 'Ada' };

export interface SessionResult {
  code: number;
  /** Everything the session wrote, prompts and echoed lines included. */
  output: string;
}

/**
 * A terminal session in this process, its input piped as a person would type it line by line
 * (then closed, like Ctrl-D). Lines typed ahead wait for their prompt, so the script is exact.
 */
export async function runSession(
  runner: Runner,
  crewsDir: string,
  lines: string[],
  options: { interrupt?: AbortSignal; isTTY?: boolean; actor?: InboundPerson; access?: AccessPolicy } = {},
): Promise<SessionResult> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const done = runConsoleSession({
    input,
    output,
    isTTY: options.isTTY ?? false,
    runner,
    crews: catalogFor(crewsDir),
    actor: options.actor ?? ADA,
    access: options.access,
    interrupt: options.interrupt,
  });
  input.end(lines.map((line) => `${line}\n`).join(''));
  const code = await done;
  return { code, output: text };
}
