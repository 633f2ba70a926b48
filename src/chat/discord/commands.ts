import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  Routes,
  type APIApplicationCommandBasicOption,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from '../../config.ts';
import type { CrewListing } from '../../crews/listCrews.ts';
import type { Runtime } from '../../runtime.ts';
import { clip } from './cards.ts';
import { discordRest } from './threadPort.ts';
import { DiscordConfigError } from './errors.ts';

export const COMMAND_NAME = 'crew';
export const CREW_OPTION = 'crew';
export const INPUT_OPTION = 'input';
/** Discord allows 25 options on a subcommand; crew and input take two. */
const MAX_INPUT_OPTIONS = 23;
const DESCRIPTION = 100;
const OPTION_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

export type CrewCommand = RESTPutAPIApplicationCommandsJSONBody[number];

/**
 * `/crew run crew:<autocomplete> input:<text>` with one option per input the crews declare (an
 * option serves every crew declaring an input of that name), `/crew list`, and in a run's
 * thread `/crew status` and `/crew cancel`. Returns the inputs that could not become options.
 */
export function crewCommand(crews: readonly CrewListing[]): { command: CrewCommand; skippedInputs: string[] } {
  const declaredBy = new Map<string, { crews: string[]; description?: string | undefined }>();
  for (const crew of crews) {
    if (crew.error) continue;
    for (const [name, input] of Object.entries(crew.inputs)) {
      const option = inputOptionName(name);
      const entry = declaredBy.get(option) ?? { crews: [] };
      entry.crews.push(crew.name);
      entry.description ??= input.description;
      declaredBy.set(option, entry);
    }
  }
  const skippedInputs: string[] = [];
  const inputOptions: APIApplicationCommandBasicOption[] = [];
  for (const [name, entry] of [...declaredBy.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (name === CREW_OPTION || name === INPUT_OPTION || !OPTION_NAME.test(name) || inputOptions.length >= MAX_INPUT_OPTIONS) {
      skippedInputs.push(name);
      continue;
    }
    inputOptions.push({
      type: ApplicationCommandOptionType.String,
      name,
      description: clip(entry.description ?? `${name} (${entry.crews.join(', ')})`, DESCRIPTION),
      required: false,
    });
  }
  const command: CrewCommand = {
    name: COMMAND_NAME,
    description: 'Run crews of agents and steer them in threads',
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'run',
        description: 'Start a crew; it works in a new thread',
        options: [
          { type: ApplicationCommandOptionType.String, name: CREW_OPTION, description: 'Which crew', required: true, autocomplete: true },
          { type: ApplicationCommandOptionType.String, name: INPUT_OPTION, description: 'What to work on (fills the first required input)', required: false },
          ...inputOptions,
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: 'list', description: 'The crews and the inputs they take' },
      { type: ApplicationCommandOptionType.Subcommand, name: 'status', description: "This thread's run: where it stands" },
      { type: ApplicationCommandOptionType.Subcommand, name: 'cancel', description: "Stop this thread's run" },
    ],
  };
  return { command, skippedInputs };
}

/** Discord option names are lower case; crew inputs are matched back case-insensitively. */
export function inputOptionName(input: string): string {
  return input.toLowerCase();
}

export interface RegisteredCommands {
  scope: 'guild' | 'global';
  commands: string[];
  skippedInputs: string[];
}

/**
 * `crewbot discord register [--guild ID]`: puts the /crew command, built from the crews there are
 * now, on one server (at once) or everywhere (Discord may take up to an hour to show it).
 * Run it again after adding crews or inputs.
 */
export async function registerDiscordCommands(options: { config: Config; runtime: Runtime; guildId?: string | undefined }): Promise<RegisteredCommands> {
  const { config, runtime, guildId } = options;
  if (!config.DISCORD_APPLICATION_ID) {
    throw new DiscordConfigError('DISCORD_APPLICATION_ID is not set: copy the Application ID from the Discord Developer Portal (General Information) into .env.');
  }
  const rest = discordRest(config);
  const { command, skippedInputs } = crewCommand(await runtime.listCrews());
  const route = guildId ? Routes.applicationGuildCommands(config.DISCORD_APPLICATION_ID, guildId) : Routes.applicationCommands(config.DISCORD_APPLICATION_ID);
  await rest.put(route, { body: [command] });
  return { scope: guildId ? 'guild' : 'global', commands: [`/${command.name}`], skippedInputs };
}
