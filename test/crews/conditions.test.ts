import { describe, expect, it } from 'vitest';
import { ConditionSchema } from '../../src/crews/tasksFile.ts';

describe('a condition in tasks.yaml', () => {
  it('is a JavaScript regular expression, matched case-insensitively, so a Python-style (?i) is dropped', () => {
    expect(ConditionSchema.parse({ task: 'qa_task', matches: '(?i)verdict:\\s*fail' })).toEqual({ task: 'qa_task', matches: 'verdict:\\s*fail' });
  });

  it('or a yes/no question for an LLM', () => {
    expect(ConditionSchema.parse({ task: 'qa_task', ask: 'Did QA find a blocker?' })).toEqual({ task: 'qa_task', ask: 'Did QA find a blocker?' });
  });

  it('is one or the other', () => {
    expect(ConditionSchema.safeParse({ task: 'qa_task', matches: 'fail', ask: 'Failed?' }).error?.issues[0]?.message).toBe(
      'needs exactly one of matches (a regular expression) or ask (a yes/no question)',
    );
    expect(ConditionSchema.safeParse({ task: 'qa_task' }).success).toBe(false);
  });

  it('refuses a pattern JavaScript cannot compile', () => {
    expect(ConditionSchema.safeParse({ task: 'qa_task', matches: '[unclosed' }).error?.issues[0]?.message).toMatch(
      /^"\[unclosed" is not a valid regular expression: /,
    );
  });
});
