import type { HumanAnswer } from '../../engine/humanRequest.ts';
import { answerForAction, type RequestPrompt } from '../requestPrompt.ts';

/** A typed line that is no answer to the request; the message says what to type. */
export class AnswerLineError extends Error {
  override name = 'AnswerLineError';
}

const APPROVE = /^(a|y|yes|approve|ok)$/i;
const DENY = /^(d|n|no|deny)(?:\s+([\s\S]*))?$/i;

/**
 * A line typed at the terminal as the answer to a request. Review: Enter or "a" approves, other
 * text is feedback. Question: the text is the answer. Approval: "a"/"y" approve, "d [reason]"/"n" deny.
 */
export function answerFromLine(prompt: RequestPrompt, line: string): HumanAnswer {
  const text = line.trim();
  switch (prompt.kind) {
    case 'review':
      return text === '' || APPROVE.test(text) ? answerForAction(prompt, 'approve') : answerForAction(prompt, 'request_changes', text);
    case 'question':
      if (text === '') throw new AnswerLineError('Type your answer (it goes to the agent as it is).');
      return answerForAction(prompt, 'answer', text);
    case 'budget':
      if (APPROVE.test(text)) return answerForAction(prompt, 'approve');
      if (DENY.test(text)) return answerForAction(prompt, 'deny');
      throw new AnswerLineError('Type "a" to extend the budget, or "d" to stop the run.');
    case 'approval': {
      if (APPROVE.test(text)) return answerForAction(prompt, 'approve');
      const deny = DENY.exec(text);
      if (deny) return answerForAction(prompt, 'deny', deny[2] ?? '');
      throw new AnswerLineError('Type "a" to approve, or "d" and a reason to deny.');
    }
    default: {
      const never: never = prompt.kind;
      throw new Error(`Unknown request kind ${String(never)}`);
    }
  }
}
