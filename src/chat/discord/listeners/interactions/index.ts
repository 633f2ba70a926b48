import { Events, type Client, type Interaction } from 'discord.js';
import type { DiscordContext, Handled } from '../../context.ts';
import { COMMAND_NAME } from '../../commands.ts';
import { crewAutocomplete } from './crewAutocomplete.ts';
import { crewCommand } from './crewCommand.ts';
import { modalSubmit } from './modalSubmits.ts';
import { replyPrivately } from '../../inboundReply.ts';
import { requestButton } from './requestButtons.ts';
import { resultFeedbackButton } from './resultFeedbackButtons.ts';
import { parseCustomId } from '../../customIds.ts';

/** Interactions: /crew and its autocomplete, request buttons, 👍 / 👎 and [Forget], and forms. Each is handled once. */
export function register(client: Client, ctx: DiscordContext): void {
  client.on(Events.InteractionCreate, (interaction) => ctx.handle('interaction', interaction.id, () => route(interaction, ctx)));
}

async function route(interaction: Interaction, ctx: DiscordContext): Promise<Handled> {
  try {
    if (interaction.isAutocomplete()) return interaction.commandName === COMMAND_NAME ? await crewAutocomplete(interaction, ctx) : 'ignored';
    if (interaction.isChatInputCommand()) return interaction.commandName === COMMAND_NAME ? await crewCommand(interaction, ctx) : 'ignored';
    if (interaction.isButton()) {
      const id = parseCustomId(interaction.customId);
      return id?.type === 'rate' || id?.type === 'forget' ? await resultFeedbackButton(interaction, ctx) : await requestButton(interaction, ctx);
    }
    if (interaction.isModalSubmit()) return await modalSubmit(interaction, ctx);
    return 'ignored';
  } catch (error) {
    // The person learns something went wrong rather than watching "interaction failed"; details go to the log.
    if (interaction.isRepliable() && !interaction.replied) {
      await replyPrivately(interaction, 'Something went wrong on my side; the log has the details.').catch(() => undefined);
    }
    throw error;
  }
}
