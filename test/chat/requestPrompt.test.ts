import { describe, expect, it } from 'vitest';
import { answerForAction, describeRequest, RequestActionError } from '../../src/chat/requestPrompt.ts';
import type { HumanRequest } from '../../src/engine/humanRequest.ts';

const review: HumanRequest = { id: 'r1', slot: 'draft_task/review/0', kind: 'review', taskId: 'draft_task', agent: 'Writer', round: 0, draft: 'Notes v1', createdAt: 0 };
const question: HumanRequest = { id: 'q1', slot: 'plan_task/ask/1', kind: 'question', taskId: 'plan_task', agent: 'Planner', question: 'What is the budget?', createdAt: 0 };
const approval: HumanRequest = {
  id: 'a1',
  slot: 'reply_task/call_1',
  kind: 'approval',
  taskId: 'reply_task',
  agent: 'Support Agent',
  tool: 'send_email',
  arguments: '{"to":"c@example.com","body":"Refund sent"}',
  createdAt: 0,
};

describe('a human request described for every surface', () => {
  it('a review: the draft, approve or request changes with feedback', () => {
    const prompt = describeRequest(review);
    expect(prompt).toMatchObject({ requestId: 'r1', kind: 'review', taskId: 'draft_task', agent: 'Writer', title: 'Review the draft of draft_task (Writer)' });
    expect(prompt.body).toEqual([
      { type: 'text', text: 'Writer drafted this for draft_task:' },
      { type: 'quote', text: 'Notes v1' },
    ]);
    expect(prompt.actions.map((action) => [action.id, action.answer, action.text?.required ?? null])).toEqual([
      ['approve', 'approve', null],
      ['request_changes', 'feedback', true],
    ]);
    expect(answerForAction(prompt, 'approve')).toEqual({ type: 'approve' });
    expect(answerForAction(prompt, 'request_changes', '  Add emoji ')).toEqual({ type: 'feedback', text: 'Add emoji' });
    expect(() => answerForAction(prompt, 'request_changes', ' ')).toThrow(RequestActionError);
    expect(describeRequest({ ...review, round: 1 }).title).toBe('Review the draft of draft_task (Writer), round 2');
  });

  it('a question: the question, and an answer that needs text', () => {
    const prompt = describeRequest(question);
    expect(prompt.title).toBe('Answer a question from Planner (plan_task)');
    expect(prompt.body).toContainEqual({ type: 'quote', text: 'What is the budget?' });
    expect(prompt.actions).toEqual([expect.objectContaining({ id: 'answer', answer: 'answer', text: expect.objectContaining({ required: true }) })]);
    expect(answerForAction(prompt, 'answer', '5k EUR')).toEqual({ type: 'answer', text: '5k EUR' });
    expect(() => answerForAction(prompt, 'approve')).toThrow(/"approve" is not an answer to this question request; it takes answer/);
  });

  it('an approval: the tool with its arguments pretty-printed, approve or deny with an optional reason', () => {
    const prompt = describeRequest(approval);
    expect(prompt.title).toBe('Approve send_email in reply_task (Support Agent)');
    expect(prompt.body).toEqual([
      { type: 'text', text: 'Support Agent wants to call send_email with:' },
      { type: 'code', language: 'json', text: '{\n  "to": "c@example.com",\n  "body": "Refund sent"\n}' },
    ]);
    expect(prompt.actions.map((action) => [action.id, action.style, action.text?.required ?? null])).toEqual([
      ['approve', 'primary', null],
      ['deny', 'danger', false],
    ]);
    expect(answerForAction(prompt, 'deny')).toEqual({ type: 'deny' });
    expect(answerForAction(prompt, 'deny', 'wrong customer')).toEqual({ type: 'deny', reason: 'wrong customer' });
  });

  it('shows arguments that are not JSON as the model wrote them', () => {
    expect(describeRequest({ ...approval, arguments: '{to: oops' }).body[1]).toEqual({ type: 'code', language: 'text', text: '{to: oops' });
  });
});
