import type { HumanAnswer, HumanRequest } from '../../../../engine/humanRequest.ts';
import { giveAnswer, runFor, slackActor, type SlackPerson } from '../../answering.ts';
import { escapeMrkdwn } from '../../markdown.ts';
import type { SlackContext } from '../../slackContext.ts';

const APPROVE = /^(approve|approved|lgtm)[.!]*$/i;
const DENY = /^(deny|denied)\b[\s:,.!-]*([\s\S]*)$/i;

/**
 * A reply in a run's thread: feedback to a pending review, the answer to a question, or approve /
 * deny for a tool. Replies in a thread with nothing waiting are conversation, left alone unless
 * they were addressed to the bot.
 */
export async function replyToRun(
  ctx: SlackContext,
  runId: string,
  reply: { channel: string; threadTs: string; user: string; text: string; addressed: boolean },
): Promise<void> {
  const who: SlackPerson = { actor: slackActor(reply.user), where: { channel: reply.channel, user: reply.user, threadTs: reply.threadTs } };
  const stored = await ctx.runner.store.getRun(runId);
  if (!stored) return;
  if ((await ctx.runner.waitingRequests(stored)).length === 0) {
    if (reply.addressed) {
      await ctx.tell(who.where, `:grey_question: This thread’s run is ${stored.status}; nothing is waiting for an answer. Start a new run with /crew or by mentioning me in the channel.`);
    }
    return;
  }
  const run = await runFor(ctx, runId, who);
  if (!run) return;
  const choice = chooseRequest(await ctx.runner.waitingRequests(run), reply.text);
  if ('problem' in choice) {
    await ctx.tell(who.where, `:grey_question: ${escapeMrkdwn(choice.problem)}`);
    return;
  }
  await giveAnswer(ctx, run, choice.request, choice.answer, who);
}

/** What a reply's text says to each kind of request, if anything. */
function answerFromText(request: HumanRequest, text: string): HumanAnswer | undefined {
  if (text === '') return undefined;
  switch (request.kind) {
    case 'review':
      return APPROVE.test(text) ? { type: 'approve' } : { type: 'feedback', text };
    case 'question':
      return { type: 'answer', text };
    case 'budget':
      if (APPROVE.test(text)) return { type: 'approve' };
      return DENY.test(text) ? { type: 'deny', reason: 'stopped at the budget' } : undefined;
    case 'approval': {
      if (APPROVE.test(text)) return { type: 'approve' };
      const deny = DENY.exec(text);
      if (!deny) return undefined;
      const reason = deny[2]?.trim();
      return reason ? { type: 'deny', reason } : { type: 'deny' };
    }
    default: {
      const never: never = request;
      return never;
    }
  }
}

function chooseRequest(pending: HumanRequest[], text: string): { request: HumanRequest; answer: HumanAnswer } | { problem: string } {
  const fits = pending.flatMap((request) => {
    const answer = answerFromText(request, text);
    return answer ? [{ request, answer }] : [];
  });
  if (fits.length === 1) return fits[0]!;
  if (fits.length > 1) return { problem: `${pending.length} requests are waiting in this run; use the buttons on the one you mean.` };
  const [only] = pending;
  if (pending.length === 1 && only?.kind === 'approval') return { problem: `Reply "approve", or "deny" and why, to answer the request to run ${only.tool}; or use the buttons.` };
  return { problem: 'Write your answer in the reply, or use the buttons on the request.' };
}
