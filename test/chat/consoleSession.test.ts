import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUDGET_CREWS, BUDGET_PRICES, PRICED_CALL } from '../support/budgetPrices.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { outbox } from '../fixtures/hitl-crews/approval_crew/tools.ts';
import { consoleRunner, runSession } from './consoleDriver.ts';

const CLI_CREWS = path.resolve('test/fixtures/cli-crews');
const HITL_CREWS = path.resolve('test/fixtures/hitl-crews');

describe('the terminal session: starting crews', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CLI_CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('greets with the numbered crews, runs `greeter name=Ada` with its checklist, and prints the final output', async () => {
    h.server.enqueue({ content: 'Hello, Ada!' }, { content: 'Hello, Ada! — crewbot' });
    const { code, output } = await runSession(consoleRunner(h), CLI_CREWS, ['greeter name=Ada', 'quit']);
    expect(code).toBe(0);
    expect(output).toMatch(/^1\. broken/m);
    expect(output).toMatch(/^2\. greeter — Greets a guest\n\s+name \(required\) — Who to greet/m);
    expect(output).toContain('crewbot> greeter name=Ada\n');
    expect(output).toMatch(/\[ \] greet_task\n\s+\[ \] sign_task/);
    expect(output).toContain('→ Greeter is working on sign_task');
    expect(output).toMatch(/greeter: completed · \d+s · 2 LLM calls/);
    expect(output).toMatch(/\[x\] greet_task — Greeter\n\s+\[x\] sign_task — Greeter/);
    expect(output).toContain('Result:\nHello, Ada! — crewbot\n');
    expect(h.server.requests[0]?.lastUser).toContain('Write a one-line greeting for Ada.');

    const [run] = await h.store.listRuns();
    expect(run).toMatchObject({ crew: 'greeter', status: 'completed', inputs: { name: 'Ada' }, requester: { platform: 'console', userId: 'ada' } });
    expect(run?.thread?.id).toMatch(/^console:/);
  });

  it('follows up a result with `again <text>`: the same crew again in the same thread, offered the result and the text; `status` shows it', async () => {
    h.server.enqueue({ content: 'Hello, Ada!' }, { content: 'Hello, Ada! — crewbot' }, { content: 'Hello again, Bo!' }, { content: 'Hello again, Bo! — crewbot' });
    const { output } = await runSession(consoleRunner(h), CLI_CREWS, ['greeter name=Ada', 'again make it warmer name=Bo', 'status', 'quit']);
    expect(output).toContain('Result:\nHello again, Bo! — crewbot\n');
    const runs = await h.store.listRuns();
    expect(runs).toHaveLength(2);
    const first = runs.find((run) => run.inputs['name'] === 'Ada')!;
    const followUp = runs.find((run) => run.id !== first.id)!;
    expect(followUp).toMatchObject({ crew: 'greeter', status: 'completed', followUpOf: first.id, inputs: { name: 'Bo' }, thread: first.thread });
    const prompt = h.server.requests[2]!.lastUser;
    expect(prompt).toContain('Write a one-line greeting for Bo.');
    expect(prompt).toContain('Hello, Ada! — crewbot');
    expect(prompt).toContain('make it warmer');
    expect(output).toMatch(/crewbot> status\ngreeter: completed · \d+s · 2 LLM calls/);
  });

  it('picks a crew by its number and fills its first required input from free text', async () => {
    h.server.enqueue({ content: 'Hi Grace' }, { content: 'Hi Grace — signed' });
    const { output } = await runSession(consoleRunner(h), CLI_CREWS, ['2 Grace Hopper', 'quit']);
    expect(output).toContain('Result:\nHi Grace — signed');
    expect(h.server.requests[0]?.lastUser).toContain('greeting for Grace Hopper.');
  });

  it('asks for a missing required input, describing it, until a value is given', async () => {
    h.server.enqueue({ content: 'Hello, Ada!' }, { content: 'Signed' });
    const { output } = await runSession(consoleRunner(h), CLI_CREWS, ['greeter', '', 'Ada', 'quit']);
    expect(output).toContain('name (Who to greet): \n  name is required; type a value.\nname (Who to greet): Ada\n');
    expect(output).toContain('Result:\nSigned');
    expect(h.server.requests[0]?.lastUser).toContain('greeting for Ada.');
  });

  it('prints errors clearly and goes on: unknown crew, unknown input, invalid crew, a failing LLM', async () => {
    h.server.enqueue({ status: 401, errorBody: { error: { message: 'Incorrect API key provided: sk-test-not-a-real-key' } } });
    const { code, output } = await runSession(consoleRunner(h), CLI_CREWS, ['nope', 'greeter colour=red', 'broken', '7', 'greeter name=Ada', 'runs', 'quit']);
    expect(code).toBe(0);
    expect(output).toContain('No crew "nope". Crews: broken, greeter.');
    expect(output).toMatch(/greeter has no input "colour"\.\ngreeter inputs:\n\s+name \(required\) — Who to greet/);
    expect(output).toMatch(/tasks\.yaml: write_task\.agent "ghost"/);
    expect(output).toContain('There is no crew number 7; `list` shows 2 crews.');
    expect(output).toMatch(/Run \S+ failed: .*OPENAI_API_KEY/);
    expect(output).not.toContain('sk-test-not-a-real-key');
    const [run] = await h.store.listRuns();
    expect(output).toContain(`${run?.id}`);
    expect(output).toMatch(new RegExp(`#\\s+RUN\\s+STATUS\\s+CREW\\s+AGE\\s+TOKENS\\s+COST\n1\\.\\s+${run?.id}\\s+failed\\s+greeter\\s+\\d+s\\s+0\\s+\\S+\\s+.*OPENAI_API_KEY`));
  });

  it('on Ctrl-C while a crew works, stops it resumable (exit 130); the next session continues it to the end', async () => {
    const interrupt = new AbortController();
    h.server.once(() => {
      interrupt.abort();
      return { hang: true };
    });
    const first = await runSession(consoleRunner(h), CLI_CREWS, ['greeter name=Ada'], { interrupt: interrupt.signal });
    expect(first.code).toBe(130);
    const [stopped] = await h.store.listRuns();
    expect(stopped?.status).toBe('running');
    expect(await h.store.leaseHolder(stopped!.id)).toBeUndefined();
    expect(first.output).toContain(`Run ${stopped?.id} is saved (running). Start crewbot again (npm start) to continue it.`);

    h.server.enqueue({ content: 'Hello, Ada!' }, { content: 'Hello, Ada! — signed' });
    const second = await runSession(consoleRunner(h), CLI_CREWS, ['y', 'quit']);
    expect(second.code).toBe(0);
    expect(second.output).toContain(`Continue run ${stopped?.id} (greeter, interrupted while working)? [Y/n] y\n`);
    expect(second.output).toContain('Result:\nHello, Ada! — signed');
    expect((await h.store.getRun(stopped!.id))?.status).toBe('completed');
    expect(h.server.requests).toHaveLength(3);
  });

  it('offers a run Ctrl-C cut short on the command line, and `resume <id>` continues one declined', async () => {
    const cliRun = await h.store.createRun({ crew: 'greeter', inputs: { name: 'Bo' }, requester: { platform: 'cli', userId: 'ada' } });
    h.server.enqueue({ content: 'Hello, Bo!' }, { content: 'Hello, Bo! — signed' });
    const { output } = await runSession(consoleRunner(h), CLI_CREWS, ['n', `resume ${cliRun.id.slice(0, 6)}`, 'quit']);

    expect(output).toContain(`Continue run ${cliRun.id} (greeter, interrupted while working)? [Y/n] n\n`);
    expect(output).toContain('Result:\nHello, Bo! — signed');
    expect((await h.store.getRun(cliRun.id))?.status).toBe('completed');
  });
});

describe('the terminal session: people in the loop', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(HITL_CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('shows a draft for review, sends feedback back, shows the revision, and completes once approved', async () => {
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Notes v2, with emoji' }, { content: 'Tweet: v2 is out' });
    const { code, output } = await runSession(consoleRunner(h), HITL_CREWS, ['review_crew 2.0', 'Add emoji', 'a', 'quit']);
    expect(code).toBe(0);
    expect(output).toContain('? Review the draft of draft_task (Writer)\n  Writer drafted this for draft_task:\n  │ Notes v1\n');
    expect(output).toContain('review> Add emoji\n');
    expect(output).toContain('? Review the draft of draft_task (Writer), round 2\n');
    expect(output).toContain('  │ Notes v2, with emoji\n');
    expect(output).toContain('Result:\nTweet: v2 is out');
    expect(h.server.requests[1]?.lastUser).toContain('asks for changes:\nAdd emoji');
    expect(h.server.requests[2]?.lastUser).toContain('Notes v2, with emoji');
    const [run] = await h.store.listRuns();
    expect(run).toMatchObject({ status: 'completed', inputs: { version: '2.0' } });
  });

  it('asks an agent’s question inline; the typed text is the answer', async () => {
    h.server.enqueue({ toolCalls: [{ name: 'ask_human', arguments: { question: 'What is the budget?' } }] }, { content: 'Plan within 5k' });
    const { output } = await runSession(consoleRunner(h), HITL_CREWS, ['ask_crew', '', '5k EUR', 'quit']);
    expect(output).toContain('? Answer a question from Planner (plan_task)\n  Planner asks:\n  │ What is the budget?\n');
    expect(output).toContain("answer> \n  Write your answer to Planner's question");
    expect(output).toContain('Result:\nPlan within 5k');
    expect(h.server.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: '5k EUR' });
  });

  it('asks before a tool that needs approval, showing its arguments; a denial with a reason reaches the model', async () => {
    outbox.length = 0;
    h.server.enqueue(
      { toolCalls: [{ name: 'send_email', arguments: { to: 'c@example.com', body: 'Refund sent' } }] },
      { content: 'Could not email: denied' },
    );
    const { output } = await runSession(consoleRunner(h), HITL_CREWS, ['approval_crew', 'maybe', 'd wrong customer', 'quit']);
    expect(output).toContain('? Approve send_email in reply_task (Support Agent)\n  Support Agent wants to call send_email with:\n    {\n      "to": "c@example.com",');
    expect(output).toContain('approve [yes/no]> maybe\n  Reply "approve" (or "yes") to let Support Agent call send_email, or "deny" and why not.');
    expect(output).toContain('Result:\nCould not email: denied');
    expect(outbox).toEqual([]);
    expect(String(h.server.requests[1]?.messages.at(-1)?.content)).toMatch(/Ada denied this call to send_email\. Reason: wrong customer\. Do not retry it/);
  });

  it('keeps a review the session left unanswered; a new session offers it and completes it', async () => {
    h.server.enqueue({ content: 'Notes v1' }, { content: 'Tweet: v3' });
    const first = await runSession(consoleRunner(h), HITL_CREWS, ['review_crew version=3.0']);
    expect(first.code).toBe(0);
    const [waiting] = await h.store.listRuns();
    expect(waiting?.status).toBe('awaiting_input');
    expect(first.output).toContain(`Run ${waiting?.id} is saved (waiting for your review). Start crewbot again (npm start) to continue it.`);

    const second = await runSession(consoleRunner(h), HITL_CREWS, ['', 'a', 'quit']);
    expect(second.output).toContain(`Continue run ${waiting?.id} (review_crew, waiting for your review)? [Y/n] \n`);
    expect(second.output).toContain('│ Notes v1');
    expect(second.output).toContain('Result:\nTweet: v3');
    expect((await h.store.getRun(waiting!.id))?.status).toBe('completed');
    expect(h.server.requests).toHaveLength(2);
  });

  it('leaves a run alone when the offer to continue is declined, and `resume` with its number in `runs` takes it up again', async () => {
    h.server.enqueue({ content: 'Notes v1' });
    await runSession(consoleRunner(h), HITL_CREWS, ['review_crew version=4.0']);
    const second = await runSession(consoleRunner(h), HITL_CREWS, ['n', 'runs', 'quit']);
    const [waiting] = await h.store.listRuns();
    expect(second.output).toContain(`Left as it is; \`resume ${waiting?.id.slice(0, 8)}\` continues it later, \`runs\` lists it.`);
    expect(second.output).toMatch(new RegExp(`1\\.\\s+${waiting?.id}\\s+awaiting_input\\s+review_crew\\s+\\d+s\\s+59\\s+price unknown\\s+waiting for your review`));
    expect(waiting?.status).toBe('awaiting_input');

    h.server.enqueue({ content: 'Tweet: v4' });
    const third = await runSession(consoleRunner(h), HITL_CREWS, ['n', 'runs', 'resume 1', 'a', 'resume 1', 'quit']);
    expect(third.output).toContain('│ Notes v1');
    expect(third.output).toContain('Result:\nTweet: v4');
    expect(third.output).toContain(`Run ${waiting?.id} (review_crew) is completed; there is nothing to continue.`);
    expect((await h.store.getRun(waiting!.id))?.status).toBe('completed');
  });
});

describe('the terminal session: a run that reaches its budget', () => {
  const PRICES = BUDGET_PRICES;
  const CALL = PRICED_CALL;
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(BUDGET_CREWS, { prices: PRICES });
  });
  afterEach(async () => {
    await h.close();
  });

  it('asks at the prompt; an unclear answer is asked again, "approve" extends the budget and the run completes with each task’s cost', async () => {
    h.server.enqueue({ content: 'Part one', usage: CALL }, { content: 'Part two', usage: CALL }, { content: 'Part three', usage: CALL });
    const { output } = await runSession(consoleRunner(h), BUDGET_CREWS, ['budgeted', 'more please', 'approve', 'status', 'quit']);
    expect(output).toContain('The run reached its budget: $0.012 of $0.01');
    expect(output).toContain('Reply "approve" to extend the budget by the same amount again, or "deny" to stop the run.');
    expect(output).toContain('Result:\nPart three\n');
    expect(h.server.requests).toHaveLength(3);
    const [run] = await h.store.listRuns();
    expect(run?.status).toBe('completed');
    expect(output).toMatch(/crewbot> status\nbudgeted: completed · \d+s · 3 LLM calls · 4500 tokens · \$0\.02\n\s+\[x\] one — Writer · \$0\.0060/);
  });

  it('stops the run when the person says no, naming the budget', async () => {
    h.server.enqueue({ content: 'Part one', usage: CALL }, { content: 'Part two', usage: CALL });
    const { output } = await runSession(consoleRunner(h), BUDGET_CREWS, ['budgeted', 'no', 'quit']);
    const [run] = await h.store.listRuns();
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/reached its budget, limits\.max_cost_usd \(\$0\.01, \$0\.0120 spent\)/);
    expect(output).toContain('reached its budget');
    expect(h.server.requests).toHaveLength(2);
  });
});
