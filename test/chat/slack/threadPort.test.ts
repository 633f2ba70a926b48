import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackWebClient, SlackThreadPort } from '../../../src/chat/slack/index.ts';
import { initialProgress } from '../../../src/chat/progressView.ts';
import type { HumanRequest } from '../../../src/engine/humanRequest.ts';
import type { RunRecord } from '../../../src/runs/runRecord.ts';
import { buttonsOf, shownText, startFakeSlackApi, type FakeSlackApi } from '../../support/fakeSlackApi.ts';

const thread = { platform: 'slack' as const, id: 'slack:C0WORK:1700000000.000001' };
const run: RunRecord = {
  id: 'run-1',
  crew: 'briefing',
  inputs: { topic: 'Rust' },
  requester: { platform: 'slack', userId: 'U0ADA' },
  thread,
  status: 'running',
  createdAt: 1_000,
  updatedAt: 1_000,
  usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0 },
  pending: [],
  version: 1,
};

describe('the outbound half: a bot token and a thread reference are enough', () => {
  let fake: FakeSlackApi;
  let port: SlackThreadPort;
  beforeEach(async () => {
    fake = await startFakeSlackApi();
    port = new SlackThreadPort({ client: createSlackWebClient({ SLACK_BOT_TOKEN: 'xoxb-worker', SLACK_API_URL: fake.url }), now: () => 66_000 });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('posts and edits the status message in the thread, with the checklist, time, tokens and Cancel', async () => {
    const view = { ...initialProgress('briefing', ['research_task', 'write_task'], 1_000), usage: { llmCalls: 2, promptTokens: 1200, completionTokens: 300 } };
    const message = await port.postStatus(thread, { run, view });
    await port.updateStatus(thread, message, {
      run,
      view: { ...view, tasks: [{ id: 'research_task', mark: 'done', agent: 'Researcher' }, { id: 'write_task', mark: 'running', agent: 'Writer' }], step: 'Writer is calling web_search' },
    });
    const posted = fake.message('C0WORK', message.id)!;
    expect(posted.threadTs).toBe('1700000000.000001');
    expect(posted.edits).toBe(1);
    const shown = shownText(posted);
    expect(shown).toContain('*briefing* · running · 1m 5s · 2 LLM calls · 1,500 tokens');
    expect(shown).toContain(':white_check_mark: `research_task` — Researcher');
    expect(shown).toContain(':hourglass_flowing_sand: `write_task` — Writer');
    expect(shown).toContain('→ Writer is calling web_search');
    expect(buttonsOf(posted)).toEqual(['crew_cancel']);
  });

  it('posts a request’s content and its buttons apart, and replaces only the buttons once answered', async () => {
    const request: HumanRequest = { id: 'q1', slot: 'plan/ask/1', kind: 'question', taskId: 'plan_task', agent: 'Planner', question: 'Budget for @here?', createdAt: 1 };
    const message = await port.postRequest(thread, request, run);
    await port.closeRequest(thread, message, { requestId: 'q1', kind: 'question', taskId: 'plan_task', by: 'U0ADA', answer: 'answered: 5k' });
    const [content, prompt] = fake.thread('C0WORK', '1700000000.000001');
    expect(shownText(content)).toContain('Budget for @\u2060here?');
    expect(prompt?.ts).toBe(message.id);
    expect(buttonsOf(prompt)).toEqual([]);
    expect(shownText(prompt)).toContain('Question in plan_task* — <@U0ADA> answered: 5k');
  });

  it('escapes agent output so it can never ping the channel', async () => {
    await port.postOutput(thread, { title: 'briefing', markdown: 'Done <!channel> @everyone <@U0BOSS>', final: true });
    const shown = shownText(fake.messages[0]);
    expect(shown).toContain('briefing — result');
    expect(shown).toContain('Done &lt;!channel&gt; @\u2060everyone &lt;@U0BOSS&gt;');
    expect(fake.calls[0]?.headers.authorization).toBe('Bearer xoxb-worker');
  });
});
