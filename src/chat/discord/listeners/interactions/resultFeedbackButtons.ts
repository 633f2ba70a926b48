import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import { ANSWER_FIELD, parseCustomId } from '../../customIds.ts';
import type { DiscordContext, Handled } from '../../context.ts';
import { interactionReply } from '../../inboundReply.ts';
import { personOf } from '../../people.ts';

/** 👍 / 👎 under a result (a 👎 opens the form that asks why), and [Forget] on a lesson. */
export async function resultFeedbackButton(interaction: ButtonInteraction, ctx: DiscordContext): Promise<Handled> {
  const id = parseCustomId(interaction.customId);
  const who = personOf(interaction.user, interaction.member);
  const delivery = `interaction:${interaction.id}`;
  if (id?.type === 'rate') return ctx.inbound.handle({ type: 'rate', delivery, who, run: id.runId, rating: id.rating }, interactionReply(interaction));
  if (id?.type === 'forget') return ctx.inbound.handle({ type: 'forget_lesson', delivery, who, run: id.runId, lesson: id.lessonId }, interactionReply(interaction));
  return { outcome: 'ignored' };
}

/** The 👎 form submitted: the rating with its reason, which becomes a lesson. */
export async function reasonSubmit(interaction: ModalSubmitInteraction, ctx: DiscordContext, runId: string): Promise<Handled> {
  const reason = interaction.fields.fields.has(ANSWER_FIELD) ? interaction.fields.getTextInputValue(ANSWER_FIELD) : '';
  return ctx.inbound.handle(
    { type: 'rate', delivery: `interaction:${interaction.id}`, who: personOf(interaction.user, interaction.member), run: runId, rating: 'down', reason },
    interactionReply(interaction),
  );
}
