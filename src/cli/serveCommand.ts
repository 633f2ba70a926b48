import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot serve';

/**
 * For servers and containers: every configured chat surface, the webhook endpoint and the
 * schedules, without reading a terminal, until SIGINT or SIGTERM.
 */
export async function serveCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, USAGE);
  if (positionals.length > 0) throw new UsageError(`crewbot serve takes no arguments.\nUsage: ${USAGE}`);
  const { runChatServers } = await import('../chat/chatServers.ts');
  await runChatServers(runtime, io, signal ?? new AbortController().signal);
  return EXIT.ok;
}
