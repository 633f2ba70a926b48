import type { AutocompleteInteraction } from 'discord.js';
import { clip } from '../../cards.ts';
import { CREW_OPTION } from '../../commands.ts';
import type { DiscordContext, Outcome } from '../../context.ts';

/** Discord shows at most 25 choices. */
const CHOICES = 25;

/** The crew option of /crew run: crews whose name or description holds what was typed. */
export async function crewAutocomplete(interaction: AutocompleteInteraction, ctx: DiscordContext): Promise<Outcome> {
  const focused = interaction.options.getFocused(true);
  if (focused.name !== CREW_OPTION) {
    await interaction.respond([]);
    return 'handled';
  }
  const typed = focused.value.toLowerCase();
  const crews = (await ctx.runtime.listCrews()).filter(
    (crew) => !crew.error && (crew.name.toLowerCase().includes(typed) || (crew.description ?? '').toLowerCase().includes(typed)),
  );
  await interaction.respond(
    crews.slice(0, CHOICES).map((crew) => ({ name: clip(crew.description ? `${crew.name} — ${crew.description}` : crew.name, 100), value: crew.name })),
  );
  return 'handled';
}
