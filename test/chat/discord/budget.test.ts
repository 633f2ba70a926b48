import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUDGET_CREWS, BUDGET_PRICES, PRICED_CALL } from '../../support/budgetPrices.ts';
import { buttonId, embedTitle, startDiscordHarness, type DiscordHarness } from '../../support/discordHarness.ts';
import { waitFor } from '../../support/slackHarness.ts';

const CREWS = BUDGET_CREWS;
const PRICES = BUDGET_PRICES;
const CALL = PRICED_CALL;

describe('a run that reaches its budget, in Discord', () => {
  let d: DiscordHarness;
  beforeEach(async () => {
    d = await startDiscordHarness(CREWS, { runner: { prices: PRICES } });
  });
  afterEach(async () => {
    await d.close();
    expect(d.errors).toEqual([]);
  });

  it('asks in the thread with Approve and Stop; a stranger’s click is refused, the requester’s approval extends the budget and the run completes', async () => {
    const { fake } = d;
    const llm = d.runnerHarness.server;
    llm.enqueue({ content: 'Part one', usage: CALL }, { content: 'Part two', usage: CALL }, { content: 'Part three', usage: CALL });
    const mention = fake.postMessage({ author: fake.users.ada, channelId: fake.channels.general.id, content: `<@${fake.bot.id}> budgeted`, mentions: [fake.bot] });
    await d.traced(mention.id, 'handled');
    const [run] = await d.runner.store.listRuns();
    await waitFor('the run to wait', async () => (await d.runner.store.getRun(run!.id))?.status === 'awaiting_input');
    await d.surface.idle();
    const card = fake.messagesIn(mention.id).find((message) => embedTitle(message).startsWith('The run reached its budget'))!;
    expect(embedTitle(card)).toBe('The run reached its budget: $0.012 of $0.01');
    expect(buttonId(card, 'Approve +$0.01')).toBeDefined();
    expect(buttonId(card, 'Stop')).toBeDefined();
    expect(llm.requests).toHaveLength(2);

    const byMallory = fake.clickButton({ user: fake.users.mallory, message: card, customId: buttonId(card, 'Approve +$0.01') });
    await d.traced(byMallory.id, 'refused');
    expect(fake.responsesTo(byMallory)[0]?.body).toMatchObject({ data: { flags: 64, content: expect.stringContaining('Not allowed') } });
    expect((await d.runner.store.getRun(run!.id))?.status).toBe('awaiting_input');

    const byAda = fake.clickButton({ user: fake.users.ada, message: card, customId: buttonId(card, 'Approve +$0.01') });
    await d.traced(byAda.id, 'handled');
    await waitFor('the run to complete', async () => (await d.runner.store.getRun(run!.id))?.status === 'completed');
    await d.surface.idle();
    expect(llm.requests).toHaveLength(3);
    // The status shows what each task cost.
    const status = fake.messagesIn(mention.id).find((message) => embedTitle(message).startsWith('budgeted ·'))!;
    const description = String(status.embeds[0]?.['description'] ?? '');
    expect(description).toMatch(/`one` — Writer · done · \$0\.0060/);
    expect(description).toMatch(/`three` — Writer · done · \$0\.0060/);
  });
});
