import { ApplicationCommandOptionType, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { crewListEmbed } from '../../cards.ts';
import { CREW_OPTION, INPUT_OPTION } from '../../commands.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { interactionReply } from '../../inboundReply.ts';
import { discordThread } from '../../thread.ts';
import { loadForKickoff, planInputs } from '../../kickoff.ts';
import { escapeMarkdown, NO_MENTIONS } from '../../markdown.ts';
import { kickoffModal, MODAL_FIELDS } from '../../modals.ts';
import { personOf } from '../../people.ts';
import { kickoffFromInteraction, placeOf, threadTaken } from './interactionKickoff.ts';
import { refuse } from './replies.ts';



/** `/crew run | list | status | cancel`. */
export async function crewCommand(interaction: ChatInputCommandInteraction, ctx: DiscordContext): Promise<Handled> {
  const subcommand = interaction.options.getSubcommand(true);
  // status and cancel are claimed by the inbound handler; the rest here.
  if (subcommand !== 'status' && subcommand !== 'cancel' && !(await ctx.claim('interaction', interaction.id))) return 'duplicate';
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
  if (await threadTaken(interaction, ctx)) return refuse(interaction, 'This thread already has a run: start a new one from a channel.');
  const crew = interaction.options.getString(CREW_OPTION, true).trim();
  const found = await loadForKickoff(ctx, crew, personOf(interaction.user, interaction.member), placeOf(interaction));
  if ('refusal' in found) return refuse(interaction, found.refusal);
  const given: Record<string, string> = {};
  for (const option of subcommandOptions(interaction)) {
    if (option.name === CREW_OPTION || option.name === INPUT_OPTION || option.value === undefined) continue;
    given[option.name] = String(option.value);
  }
  const plan = planInputs(crew, found.loaded, given, interaction.options.getString(INPUT_OPTION) ?? undefined);
  if ('refusal' in plan) return refuse(interaction, plan.refusal);
  if (plan.missing.length === 0) return kickoffFromInteraction(interaction, ctx, plan);
  // Required inputs are missing: a form asks for them, carrying what was given already.
  const names = [...plan.missing, ...Object.keys(plan.inputs)];
  if (names.length > MODAL_FIELDS) {
    return refuse(interaction, `${crew} needs ${plan.missing.join(', ')}: give ${plan.missing.length > 1 ? 'them' : 'it'} as options of /crew run.`);
  }
  await interaction.showModal(kickoffModal(crew, names.map((name) => ({ name, input: found.loaded.inputs[name]!, value: plan.inputs[name] }))));
  return { outcome: 'handled', detail: `asked for ${plan.missing.join(', ')}` };
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
