import { describe, expect, it } from 'vitest';
import { AnswerLineError, answerFromLine } from '../../src/chat/console/answerLine.ts';
import { parseCommandLine } from '../../src/chat/console/commandLine.ts';
import { KickoffTextError, type KickoffCrew } from '../../src/chat/kickoffText.ts';
import { describeRequest } from '../../src/chat/requestPrompt.ts';

const CREWS: KickoffCrew[] = [
  { name: 'greeter', inputs: { name: { description: 'Who to greet', required: true } } },
  { name: 'ask_crew', inputs: {} },
];

describe('a line typed at crewbot>', () => {
  it('is a command word, in any case', () => {
    expect(parseCommandLine('  ', CREWS)).toEqual({ type: 'empty' });
    expect(parseCommandLine('HELP', CREWS)).toEqual({ type: 'help' });
    expect(parseCommandLine('list', CREWS)).toEqual({ type: 'list' });
    expect(parseCommandLine('runs', CREWS)).toEqual({ type: 'runs' });
    expect(parseCommandLine('exit', CREWS)).toEqual({ type: 'quit' });
  });

  it('or a kickoff, by name or by the crew’s number in `list`', () => {
    expect(parseCommandLine('greeter name=Ada', CREWS)).toEqual({ type: 'kickoff', kickoff: { crew: 'greeter', inputs: { name: 'Ada' }, missing: [] } });
    expect(parseCommandLine('1 Ada Lovelace', CREWS)).toEqual({ type: 'kickoff', kickoff: { crew: 'greeter', inputs: { name: 'Ada Lovelace' }, missing: [] } });
    expect(parseCommandLine('1', CREWS)).toEqual({ type: 'kickoff', kickoff: { crew: 'greeter', inputs: {}, missing: ['name'] } });
    expect(() => parseCommandLine('3', CREWS)).toThrow(new KickoffTextError('There is no crew number 3; `list` shows 2 crews.'));
    expect(() => parseCommandLine('constructor', CREWS)).toThrow(/No crew "constructor"/);
  });
});

describe('a line typed as the answer to a request', () => {
  const review = describeRequest({ id: 'r', slot: 's', kind: 'review', taskId: 't', agent: 'Writer', round: 0, draft: 'd', createdAt: 0 });
  const question = describeRequest({ id: 'q', slot: 's', kind: 'question', taskId: 't', agent: 'Planner', question: '?', createdAt: 0 });
  const approval = describeRequest({ id: 'a', slot: 's', kind: 'approval', taskId: 't', agent: 'Support', tool: 'send_email', arguments: '{}', createdAt: 0 });

  it('review: Enter or "a" approves, anything else is the feedback', () => {
    expect(answerFromLine(review, '')).toEqual({ type: 'approve' });
    expect(answerFromLine(review, ' A ')).toEqual({ type: 'approve' });
    expect(answerFromLine(review, 'approve')).toEqual({ type: 'approve' });
    expect(answerFromLine(review, 'Shorter, please')).toEqual({ type: 'feedback', text: 'Shorter, please' });
  });

  it('question: the text is the answer, and an empty line is no answer', () => {
    expect(answerFromLine(question, '5k EUR')).toEqual({ type: 'answer', text: '5k EUR' });
    expect(answerFromLine(question, 'a')).toEqual({ type: 'answer', text: 'a' });
    expect(() => answerFromLine(question, '  ')).toThrow(AnswerLineError);
  });

  it('approval: "a"/"y" approve, "d [reason]"/"n" deny, anything else is asked again', () => {
    expect(answerFromLine(approval, 'y')).toEqual({ type: 'approve' });
    expect(answerFromLine(approval, 'a')).toEqual({ type: 'approve' });
    expect(answerFromLine(approval, 'n')).toEqual({ type: 'deny' });
    expect(answerFromLine(approval, 'd wrong customer')).toEqual({ type: 'deny', reason: 'wrong customer' });
    expect(answerFromLine(approval, 'deny not today')).toEqual({ type: 'deny', reason: 'not today' });
    expect(() => answerFromLine(approval, 'dunno')).toThrow(/Type "a" to approve, or "d" and a reason to deny/);
  });
});
