import { describe, expect, it } from 'vitest';
import { readReply } from '../../../src/chat/inbound/replyVocabulary.ts';
import type { HumanRequest } from '../../../src/engine/humanRequest.ts';

const review: HumanRequest = { id: 'r', slot: 's', kind: 'review', taskId: 'draft_task', agent: 'Writer', round: 0, draft: 'd', createdAt: 0 };
const question: HumanRequest = { id: 'q', slot: 's', kind: 'question', taskId: 'plan_task', agent: 'Planner', question: '?', createdAt: 0 };
const approval: HumanRequest = { id: 'a', slot: 's', kind: 'approval', taskId: 't', agent: 'Support', tool: 'send_email', arguments: '{}', createdAt: 0 };

describe('the reply vocabulary, one for Slack, Discord and the terminal', () => {
  it('review: an approving word approves; anything else is feedback; nothing is asked again', () => {
    for (const word of ['approve', 'Approved!', 'yes', 'Y', 'ok', 'okay', 'LGTM', 'ship it', 'a']) {
      expect(readReply(review, ` ${word} `)).toEqual({ answer: { type: 'approve' } });
    }
    expect(readReply(review, 'yes, but shorter')).toEqual({ answer: { type: 'feedback', text: 'yes, but shorter' } });
    expect(readReply(review, 'no')).toEqual({ answer: { type: 'feedback', text: 'no' } });
    expect(readReply(review, '  ')).toEqual({ hint: expect.stringContaining('Reply "approve"') });
  });

  it('question: any text is the answer, even an approving word', () => {
    expect(readReply(question, '5k EUR')).toEqual({ answer: { type: 'answer', text: '5k EUR' } });
    expect(readReply(question, 'yes')).toEqual({ answer: { type: 'answer', text: 'yes' } });
    expect(readReply(question, '')).toEqual({ hint: expect.stringContaining("Planner's question") });
  });

  it('tool approval: an approving word, or a denying word and why; anything else is asked again', () => {
    expect(readReply(approval, 'yes')).toEqual({ answer: { type: 'approve' } });
    expect(readReply(approval, 'n')).toEqual({ answer: { type: 'deny' } });
    expect(readReply(approval, 'deny: wrong customer')).toEqual({ answer: { type: 'deny', reason: 'wrong customer' } });
    expect(readReply(approval, 'd wrong customer')).toEqual({ answer: { type: 'deny', reason: 'wrong customer' } });
    expect(readReply(approval, 'nothing to add')).toEqual({ hint: expect.stringContaining('"deny" and why not') });
    expect(readReply(approval, 'maybe')).toEqual({ hint: expect.stringContaining('to let Support call send_email') });
  });
});
