import { describe, expect, it } from 'vitest';
import { SlackPlan } from '../../../src/chat/slack/plan.ts';
import type { CrewEvent } from '../../../src/engine/events.ts';

const at = 1_000;
const runId = 'run-1';

function chunk(text: string): CrewEvent {
  return { type: 'llm_stream_chunk', runId, at, taskId: 'write_task', agent: 'Writer', chunk: text };
}

describe('the Slack plan drawn from a run’s events', () => {
  it('never lets streamed text ping anyone, even when a mention is split across chunks and flushes', () => {
    const plan = new SlackPlan([{ id: 'write_task', agent: 'Writer' }]);
    plan.take({ all: true });
    plan.apply(chunk('Hello <'));
    const first = plan.take();
    plan.apply(chunk('!channel> and @he'));
    const second = plan.take();
    plan.apply(chunk('re too'));
    const last = plan.take({ last: true });
    const text = first.markdown + second.markdown + last.markdown;
    expect(text).not.toContain('<!channel>');
    expect(text).not.toMatch(/@here/);
    expect(text).toBe('**Writer · write_task**\n\nHello <\u2060!channel> and @\u2060here too');
  });

  it('keeps cards within Slack’s 256 characters and shows only http(s) pages as sources', () => {
    const plan = new SlackPlan([{ id: 'research_task' }]);
    plan.apply({ type: 'tool_usage_started', runId, at, taskId: 'research_task', agent: 'Researcher', tool: 'fetch_url', arguments: JSON.stringify({ url: 'javascript:alert(1)' }) });
    plan.apply({ type: 'tool_usage_started', runId, at, taskId: 'research_task', agent: 'Researcher', tool: 'custom_tool', arguments: JSON.stringify({ text: 'x'.repeat(1_000) }) });
    plan.apply({ type: 'tool_usage_error', runId, at, taskId: 'research_task', agent: 'Researcher', tool: 'custom_tool', error: 'e'.repeat(1_000) });
    plan.apply({ type: 'task_completed', runId, at, taskId: 'research_task', agent: 'Researcher', output: { raw: `${'y'.repeat(400)}\nsecond line`, agent: 'Researcher', taskId: 'research_task', description: 'd', usage: { llmCalls: 1, promptTokens: 1, completionTokens: 1 } } });
    const { cards } = plan.take();
    const byId = Object.fromEntries(cards.map((card) => [card.id, card]));
    expect(byId['tool-1']).toMatchObject({ details: 'read javascript:alert(1)' });
    expect(byId['tool-1']).not.toHaveProperty('sources');
    expect(byId['tool-2']).toMatchObject({ status: 'error' });
    for (const card of cards) for (const field of [card.title, card.details, card.output]) expect((field ?? '').length).toBeLessThanOrEqual(256);
  });

  it('shows an output whole once it is in when nothing was streamed, but not again when rebuilt from the log', () => {
    const completed: CrewEvent = { type: 'task_completed', runId, at, taskId: 'write_task', agent: 'Writer', output: { raw: 'The brief', agent: 'Writer', taskId: 'write_task', description: 'd', usage: { llmCalls: 1, promptTokens: 1, completionTokens: 1 } } };
    const live = new SlackPlan([{ id: 'write_task', agent: 'Writer' }]);
    live.apply(completed);
    expect(live.take({ last: true }).markdown).toBe('**Writer · write_task**\n\nThe brief');

    const rebuilt = new SlackPlan([{ id: 'write_task', agent: 'Writer' }]);
    rebuilt.apply(completed, true);
    const changes = rebuilt.take({ all: true, last: true });
    expect(changes.markdown).toBe('');
    expect(changes.cards).toEqual([{ type: 'task_update', id: 'write_task', title: 'write_task — Writer', status: 'complete', output: 'The brief' }]);
  });
});
