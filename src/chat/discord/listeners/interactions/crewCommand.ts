import { ApplicationCommandOptionType, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { crewListEmbed } from '../../cards.ts';
import { CREW_OPTION, INPUT_OPTION } from '../../commands.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { interactionReply } from '../../inboundReply.ts';
import { discordThread } from '../../thread.ts';
import { interactionKickoffReply, placeOf, threadOfInteraction } from '../../kickoff.ts';
import { escapeMarkdown, NO_MENTIONS } from '../../markdown.ts';
import { personOf } from '../../people.ts';
import { refuse } from './replies.ts';


/** `/crew run | list | status | cancel`. */
export async function crewCommand(interaction: ChatInputCommandInteraction, ctx: DiscordContext): Promise<Handled> {
  const subcommand = interaction.options.getSubcommand(true);
  // run, status and cancel are claimed by the inbound handler; the rest here.
  if (subcommand === 'list' && !(await ctx.claim('interaction', interaction.id))) return 'duplicate';
  switch (subcommand) {
    case 'run':
      return run(interaction, ctx);
    case 'list':
      return list(interaction, ctx);
    case 'status':
      return status(interaction, ctx);
    case 'cancel':
      return cancel(interaction, ctx);
    default:
      return refuse(interaction, `/crew ${subcommand} is not something I know; try /crew list.`);
  }
}

async function run(interaction: ChatInputCommandInteraction, ctx: DiscordContext): Promise<Handled> {
  const inputs: Record<string, string> = {};
  for (const option of subcommandOptions(interaction)) {
    if (option.name === CREW_OPTION || option.name === INPUT_OPTION || option.value === undefined) continue;
    inputs[option.name] = String(option.value);
  }
  const thread = threadOfInteraction(interaction);
  return ctx.inbound.handle(
    {
      type: 'kickoff',
      delivery: `interaction:${interaction.id}`,
      who: personOf(interaction.user, interaction.member),
      place: placeOf(interaction),
      ...(thread ? { thread } : {}),
      what: { crew: interaction.options.getString(CREW_OPTION, true), inputs, ...optionalText(interaction.options.getString(INPUT_OPTION)) },
    },
    interactionKickoffReply(interaction, ctx),
  );
}

async function list(interaction: ChatInputCommandInteraction, ctx: DiscordContext): Promise<Handled> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await interaction.editReply({ embeds: [crewListEmbed(await ctx.runtime.listCrews())], allowedMentions: NO_MENTIONS });
  return 'handled';
}

async function status(interaction: ChatInputCommandInteraction, ctx: DiscordContext): Promise<Handled> {
  const thread = threadOf(interaction);
  if (!thread) return refuse(interaction, "Use /crew status in a run's thread.");
  return ctx.inbound.handle({ type: 'status', delivery: `interaction:${interaction.id}`, who: personOf(interaction.user, interaction.member), thread }, interactionReply(interaction));
}

async function cancel(interaction: ChatInputCommandInteraction, ctx: DiscordContext): Promise<Handled> {
  const thread = threadOf(interaction);
  if (!thread) return refuse(interaction, "Use /crew cancel in a run's thread.");
  const who = personOf(interaction.user, interaction.member);
  const result = await ctx.inbound.handle({ type: 'cancel', delivery: `interaction:${interaction.id}`, who, run: { thread } }, interactionReply(interaction));
  if (result.outcome === 'handled') await interaction.reply({ content: `Cancelled by **${escapeMarkdown(who.name ?? who.userId)}**.`, allowedMentions: NO_MENTIONS });
  return result;
}

function threadOf(interaction: ChatInputCommandInteraction) {
  return interaction.guildId && interaction.channelId ? discordThread(interaction.guildId, interaction.channelId) : undefined;
}

function subcommandOptions(interaction: ChatInputCommandInteraction) {
  return interaction.options.data.find((option) => option.type === ApplicationCommandOptionType.Subcommand)?.options ?? [];
}

function optionalText(text: string | null): { text: string } | Record<string, never> {
  return text ? { text } : {};
}
