import { HumanAnswerSchema, type HumanAnswer, type HumanRequest } from '../../engine/humanRequest.ts';

const APPROVE = /^(approve|approved|lgtm|ok|okay|yes|y|ship it)[.!]*$/i;
const DENY = /^(deny|denied|no|n|reject)\b[\s:,.!-]*([\s\S]*)$/i;

/**
 * A reply typed in a run's thread as the answer to its request: for a review "approve" (or "lgtm")
 * approves and anything else is feedback; a question takes the text as its answer; a tool approval
 * takes "approve" or "deny <reason>". Returns how to answer when the text does not fit.
 */
export function answerFromReply(request: HumanRequest, text: string): { answer: HumanAnswer } | { hint: string } {
  const typed = text.trim();
  if (!typed) return { hint: 'Write your answer after the mention, or use the buttons on the request.' };
  switch (request.kind) {
    case 'review':
      return { answer: APPROVE.test(typed) ? { type: 'approve' } : HumanAnswerSchema.parse({ type: 'feedback', text: typed }) };
    case 'question':
      return { answer: HumanAnswerSchema.parse({ type: 'answer', text: typed }) };
    case 'budget':
      if (APPROVE.test(typed)) return { answer: { type: 'approve' } };
      if (DENY.test(typed)) return { answer: { type: 'deny', reason: 'stopped at the budget' } };
      return { hint: 'Reply "approve" to extend the budget or "deny" to stop the run, or use the buttons.' };
    case 'approval': {
      if (APPROVE.test(typed)) return { answer: { type: 'approve' } };
      const deny = DENY.exec(typed);
      if (deny) return { answer: deny[2]?.trim() ? { type: 'deny', reason: deny[2].trim() } : { type: 'deny' } };
      return { hint: `Reply "approve" or "deny <why>" to let ${request.agent} call ${request.tool}, or use the buttons.` };
    }
    default: {
      const never: never = request;
      throw new Error(`Unknown request ${JSON.stringify(never)}`);
    }
  }
}
