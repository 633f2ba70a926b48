import { describe, expect, it } from 'vitest';
import { statusEmbed } from '../../src/chat/discord/cards.ts';
import { applyEvent, initialProgress, renderProgressText, type ProgressView } from '../../src/chat/progressView.ts';
import { statusMessage } from '../../src/chat/slack/cards.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { RunRecord } from '../../src/runs/runRecord.ts';

const base = { runId: 'r1', at: 1_000 };
const events: CrewEvent[] = [
  { ...base, type: 'crew_kickoff_started', crew: 'writer', inputs: {}, resumed: false },
  { ...base, type: 'crew_planning_completed', crew: 'writer', plans: { outline: '1. List the facts.\n2. Order them.', draft: 'Write it *well*.' } },
  { ...base, type: 'task_started', taskId: 'outline', description: 'Outline.' },
  { ...base, type: 'task_retry', taskId: 'outline', attempt: 2, maxRetryLimit: 2, error: 'LLM endpoint down', delayMs: 2_000 },
];

const run: RunRecord = {
  id: 'r1',
  crew: 'writer',
  inputs: {},
  requester: { platform: 'slack', userId: 'U1' },
  status: 'running',
  createdAt: 0,
  updatedAt: 0,
  usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0 },
  pending: [],
  version: 1,
};

function view(): ProgressView {
  return events.reduce(applyEvent, initialProgress('writer', ['outline', 'draft'], 0));
}

describe('the status of a planning crew, wherever it is watched', () => {
  it('shows each task with its plan on one line, and a retry as the current step', () => {
    const text = renderProgressText(view(), 1_000);
    expect(text).toContain('[~] outline\n      plan: 1. List the facts. 2. Order them.\n  [ ] draft\n      plan: Write it *well*.');
    expect(text).toContain('→ outline failed (LLM endpoint down); retrying, attempt 2 of 3');

    const slack = JSON.stringify(statusMessage({ run, view: view() }, 1_000).blocks);
    expect(slack).toContain('_plan: 1. List the facts. 2. Order them._');
    expect(slack).toContain('retrying, attempt 2 of 3');

    const discord = statusEmbed({ run: { ...run, requester: { platform: 'discord', userId: '1' } }, view: view() }, 1_000).description ?? '';
    // Plans are model output: Markdown in them is escaped, not rendered.
    expect(discord).toContain('↳ *plan: Write it \\*well\\*.*');
    expect(discord).toContain('retrying, attempt 2 of 3');
  });
});
