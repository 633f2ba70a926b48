import { registerDiscordCommands } from '../chat/discord/index.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot discord register [--guild ID]';

/** `crewbot discord register`: puts /crew on one server (at once) or everywhere. */
export async function discordCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { guild: { type: 'string' } }, USAGE);
  if (positionals.length !== 1 || positionals[0] !== 'register') throw new UsageError(`Usage: ${USAGE}`);
  const registered = await registerDiscordCommands({ config: runtime.config, runtime, guildId: values.guild });
  io.out(
    `Registered ${registered.commands.join(', ')} ${registered.scope === 'guild' ? `on server ${values.guild}` : 'globally (Discord may take up to an hour to show it)'}.`,
  );
  if (registered.skippedInputs.length) {
    io.out(`Inputs without their own option (Discord allows 25): ${registered.skippedInputs.join(', ')}; they are asked for in a form.`);
  }
  return EXIT.ok;
}
