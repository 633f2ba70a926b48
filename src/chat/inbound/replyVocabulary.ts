import { HumanAnswerSchema, type HumanAnswer, type HumanRequest } from '../../engine/humanRequest.ts';

/**
 * The words a person may type to answer a request, the same in Slack, Discord and the terminal
 * (README, "Replying in a thread"). A review takes an approving word or feedback; a question takes
 * any text as its answer; a tool approval takes an approving word, or a denying word and a reason.
 */
export const APPROVE_WORDS = ['approve', 'approved', 'yes', 'y', 'ok', 'okay', 'lgtm', 'ship it', 'a'] as const;
export const DENY_WORDS = ['deny', 'denied', 'no', 'n', 'reject', 'd'] as const;

const APPROVE = new RegExp(`^(?:${APPROVE_WORDS.map(pattern).join('|')})[.!]*$`, 'i');
const DENY = new RegExp(`^(?:${DENY_WORDS.map(pattern).join('|')})(?=$|[\\s:,.!-])[\\s:,.!-]*([\\s\\S]*)$`, 'i');

/** What the typed text says to this request, or how to answer it when the text does not fit. */
export function readReply(request: HumanRequest, typed: string): { answer: HumanAnswer } | { hint: string } {
  const text = typed.trim();
  switch (request.kind) {
    case 'review':
      if (text === '') return { hint: `Reply "approve" (or "yes", "lgtm") to approve the draft of ${request.taskId}, or write what should change.` };
      return { answer: APPROVE.test(text) ? { type: 'approve' } : HumanAnswerSchema.parse({ type: 'feedback', text }) };
    case 'question':
      if (text === '') return { hint: `Write your answer to ${request.agent}'s question; it goes to the agent as it is.` };
      return { answer: HumanAnswerSchema.parse({ type: 'answer', text }) };
    case 'approval': {
      if (APPROVE.test(text)) return { answer: { type: 'approve' } };
      const deny = DENY.exec(text);
      if (deny) {
        const reason = deny[1]?.trim();
        return { answer: reason ? { type: 'deny', reason } : { type: 'deny' } };
      }
      return { hint: `Reply "approve" (or "yes") to let ${request.agent} call ${request.tool}, or "deny" and why not.` };
    }
    case 'budget':
      if (APPROVE.test(text)) return { answer: { type: 'approve' } };
      if (DENY.test(text)) return { answer: { type: 'deny', reason: 'stopped at the budget' } };
      return { hint: 'Reply "approve" to extend the budget by the same amount again, or "deny" to stop the run.' };
    default: {
      const never: never = request;
      throw new Error(`Unknown request ${JSON.stringify(never)}`);
    }
  }
}

/** How to answer a kind of request in words, for a prompt that offers typing (the terminal's). */
export function howToReply(kind: HumanRequest['kind']): string {
  switch (kind) {
    case 'review':
      return 'Reply "approve" (or "yes", "lgtm") to approve; anything else you type is sent back as the changes you want.';
    case 'question':
      return 'Type your answer; it goes to the agent as it is.';
    case 'approval':
      return 'Reply "approve" (or "yes") to allow it, or "deny" (or "no") and why not; the agent is told the reason.';
    case 'budget':
      return 'Reply "approve" to extend the budget by the same amount again, or "deny" (or "no") to stop the run.';
    default: {
      const never: never = kind;
      throw new Error(`Unknown request kind ${String(never)}`);
    }
  }
}

/** Whether the text reads as an answer to this request at all (to pick among several waiting). */
export function fitsRequest(request: HumanRequest, text: string): boolean {
  return 'answer' in readReply(request, text);
}

function pattern(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}
