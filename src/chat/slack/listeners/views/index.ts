import type { App } from '@slack/bolt';
import { ANSWER_VIEW, INPUTS_VIEW, REASON_VIEW } from '../../cards.ts';
import type { SlackContext } from '../../context.ts';
import { submitAnswer } from './answerSubmitted.ts';
import { submitInputs } from './inputsSubmitted.ts';
import { submitReason } from './reasonSubmitted.ts';

/** Modals submitted: a crew's inputs (then it starts), or the text of an answer. */
export function register(app: App, ctx: SlackContext): void {
  app.view(INPUTS_VIEW, async ({ ack, body }) => {
    // Closes the modal at once; what follows is told in the channel.
    await ack();
    await ctx.safely(() => submitInputs(ctx, body));
  });
  app.view(ANSWER_VIEW, async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => submitAnswer(ctx, body));
  });
  app.view(REASON_VIEW, async ({ ack, body }) => {
    await ack();
    await ctx.safely(() => submitReason(ctx, body));
  });
}
