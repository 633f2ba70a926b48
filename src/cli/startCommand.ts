import { chatSurfacesConfigured, runChatServers } from '../chat/chatServers.ts';
import { ConsoleAccess, runConsoleSession } from '../chat/console/index.ts';
import { answerPolicyOf } from '../chat/inbound/accessPolicy.ts';
import { crewsWithEnabledTriggers, startBackgroundTriggers } from '../triggers/backgroundTriggers.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';
import { listCommand } from './listCommand.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot start [--interactive] [--work]';

/**
 * `npm start`: Slack and/or Discord when their tokens are set (with the crews' triggers, as
 * `crewbot serve`); otherwise the terminal session when a person is at the keyboard (or
 * --interactive is given), with the triggers in the background. Without a terminal it serves the
 * triggers when crews have any, else lists the crews and returns, so CI and `< /dev/null` never
 * wait for input.
 */
export async function startCommand(runtime: Runtime, io: CliIo, args: string[] = [], signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { interactive: { type: 'boolean' }, work: { type: 'boolean' } }, USAGE);
  if (positionals.length > 0) throw new UsageError(`crewbot start takes no arguments.\nUsage: ${USAGE}`);
  const terminal = values.interactive || process.stdin.isTTY;
  const chat = chatSurfacesConfigured(runtime) && !values.interactive;
  // Loaded once: whether to serve without a terminal, and what the session runs in the background.
  const triggered = chat ? [] : await crewsWithEnabledTriggers(runtime);
  if (chat || (!terminal && triggered.length > 0)) {
    await runChatServers(runtime, io, signal ?? new AbortController().signal, { work: values.work ?? false });
    return EXIT.ok;
  }
  if (!terminal) return listCrews(runtime, io);
  // Runs advance where the session follows them: only the crews' own triggers work in the background.
  const background = triggered.length > 0 ? await startBackgroundTriggers(runtime, triggered) : undefined;
  const access = new ConsoleAccess();
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined, answerPolicy: answerPolicyOf([access]) });
  try {
    return await runConsoleSession({
      access,
      input: process.stdin,
      output: process.stdout,
      isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
      runner,
      crews: runtime,
      interrupt: signal,
      crewsDir: runtime.config.CREWBOT_CREWS_DIR,
      notices: [...llmNotice(runtime), ...(background?.notices ?? [])],
    });
  } finally {
    await runner.shutdown();
    await store.close();
    await background?.stop();
  }
}

async function listCrews(runtime: Runtime, io: CliIo): Promise<number> {
  io.out('crewbot — crews of LLM agents\n');
  await listCommand([], runtime, io);
  io.out(`\nRun one:  ${commandName()} run <crew> --input name=value   (or \`npm start\` in a terminal)`);
  for (const notice of llmNotice(runtime)) io.out(notice);
  return EXIT.ok;
}

function llmNotice(runtime: Runtime): string[] {
  return !runtime.config.OPENAI_API_KEY && !runtime.config.OPENAI_BASE_URL
    ? ['Set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) in .env first: see .env.example.']
    : [];
}
