import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUDGET_CREWS, BUDGET_PRICES, PRICED_CALL } from '../../support/budgetPrices.ts';
import { buttonsOf, buttonValue, shownText } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = BUDGET_CREWS;
const GENERAL = 'C0GENERAL';
const PRICES = BUDGET_PRICES;
// $0.006 a call: the $0.01 budget is reached after two.
const CALL = PRICED_CALL;

describe('a run that reaches its budget, in Slack', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS, { runner: { prices: PRICES } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('asks in the thread with Approve and Stop; a stranger’s click is refused, the requester’s approval extends the budget and the run completes', async () => {
    h.openai.enqueue({ content: 'Part one', usage: CALL }, { content: 'Part two', usage: CALL }, { content: 'Part three', usage: CALL });
    await h.slack.slashCommand({ text: 'budgeted', userId: 'U0ADA', userName: 'ada', channelId: GENERAL });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === GENERAL && !m.threadTs));
    const runId = await h.runIn(GENERAL, root.ts);
    const card = await waitFor('the budget card', () => h.replies(GENERAL, root.ts).find((m) => buttonsOf(m).includes('crew_request:approve')));
    await waitFor('the run to wait', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');
    await h.settle();
    expect(buttonsOf(card)).toEqual(['crew_request:approve', 'crew_request:deny']);
    expect(shownText(card)).toContain('The run reached its budget: $0.012 of $0.01');
    expect(shownText(card)).toContain('Approve +$0.01');
    expect(shownText(card)).toContain('Stop');
    expect(h.openai.requests).toHaveLength(2);

    const press = (userId: string, triggerId: string) =>
      h.slack.blockAction({ userId, channelId: GENERAL, messageTs: card.ts, threadTs: root.ts, actionId: 'crew_request:approve', value: buttonValue(card, 'crew_request:approve'), triggerId });
    await press('U0MALLORY', 'trigger-mallory');
    await waitFor('the refusal', () => h.ephemerals('U0MALLORY').some((text) => text.includes('Not allowed')));
    await h.settle();
    expect((await h.store.getRun(runId))?.status).toBe('awaiting_input');
    expect(h.openai.requests).toHaveLength(2);

    await press('U0ADA', 'trigger-ada');
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();
    expect(h.openai.requests).toHaveLength(3);
    expect(h.ephemerals('U0ADA')).toEqual([]);
    const answered = (await h.store.getEvents(runId)).filter((event) => (event as { type: string }).type === 'human_input_received');
    expect(answered).toEqual([expect.objectContaining({ answer: 'approved' })]);
    // The card gives way to who answered; the status shows what each task cost.
    expect(buttonsOf(h.replies(GENERAL, root.ts).find((m) => m.ts === card.ts))).toEqual([]);
    const status = h.replies(GENERAL, root.ts)[0];
    expect(shownText(status)).toContain('*budgeted* · done');
    expect(shownText(status)).toMatch(/`one` — Writer · \$0\.0060/);
    expect(shownText(status)).toMatch(/`three` — Writer · \$0\.0060/);
  });

  it('stops the run when its requester presses Stop, naming the budget', async () => {
    h.openai.enqueue({ content: 'Part one', usage: CALL }, { content: 'Part two', usage: CALL });
    await h.slack.slashCommand({ text: 'budgeted', userId: 'U0ADA', userName: 'ada', channelId: GENERAL });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === GENERAL && !m.threadTs));
    const runId = await h.runIn(GENERAL, root.ts);
    const card = await waitFor('the budget card', () => h.replies(GENERAL, root.ts).find((m) => buttonsOf(m).includes('crew_request:deny')));
    await waitFor('the run to wait', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');
    await h.slack.blockAction({ userId: 'U0ADA', channelId: GENERAL, messageTs: card.ts, threadTs: root.ts, actionId: 'crew_request:deny', value: buttonValue(card, 'crew_request:deny'), triggerId: 'trigger-stop' });
    await waitFor('the run to fail', async () => (await h.store.getRun(runId))?.status === 'failed');
    await h.settle();
    expect((await h.store.getRun(runId))?.error).toMatch(/reached its budget, limits\.max_cost_usd \(\$0\.01, \$0\.0120 spent\)/);
    expect(h.openai.requests).toHaveLength(2);
    expect(h.fake.callsTo('views.open')).toEqual([]);
  });
});
