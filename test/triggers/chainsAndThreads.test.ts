import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { fireTrigger } from '../../src/triggers/fireTrigger.ts';
import { threadOpeners } from '../../src/triggers/threadOpeners.ts';
import { createTriggerService, type TriggerService } from '../../src/triggers/triggerService.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../support/slackHarness.ts';
import { loadConfig } from '../../src/config.ts';
import { createRuntime } from '../../src/runtime.ts';
import { llmFor } from '../support/testLlm.ts';

const CREWS = path.resolve('test/fixtures/trigger-crews');

describe('crews that start after another crew, and triggered runs that post to a channel', () => {
  let h: RunnerHarness | undefined;
  let slack: SlackHarness | undefined;
  let service: TriggerService | undefined;
  afterEach(async () => {
    service?.stop();
    await h?.close();
    await slack?.close();
    h = slack = service = undefined;
  });

  it('starts second_crew when a first_crew run completes, with the first run output as its input', async () => {
    h = await startRunnerHarness(CREWS);
    h.server.on((req) => (req.lastUser.includes('First: research') ? { content: 'Tides follow the moon, twice a day.' } : undefined));
    h.server.setDefault({ content: 'Announced.' });
    const runtime = createRuntime(loadConfig({ CREWBOT_CREWS_DIR: CREWS, PORT: '0' }, { dotenv: false }), { llm: llmFor(h.server) });
    service = await createTriggerService({ runtime, runner: h.runner, openers: {}, log: () => {} });
    service.start();

    const first = await h.runner.kickoff({ crew: 'first_crew', inputs: { topic: 'tides' }, requester: { platform: 'cli', userId: 'me' } });
    const second = await waitFor('a second_crew run to complete', async () =>
      (await h!.store.listRuns()).find((run) => run.crew === 'second_crew' && run.status === 'completed'),
    );
    expect(second.inputs).toEqual({ report: 'Tides follow the moon, twice a day.' });
    expect(second.requester).toMatchObject({ userId: 'trigger:after', name: 'after first_crew completed' });
    const prompt = h.server.requests.find((req) => req.lastUser.includes('Second: announce'))!;
    expect(prompt.lastUser).toContain('Tides follow the moon, twice a day.');
    // The chain fires once for the run, even if its end is reported again.
    await h.runner.idle();
    expect((await h.store.listRuns()).filter((run) => run.crew === 'second_crew')).toHaveLength(1);
    expect(first).toBeDefined();
  });

  it('a trigger with post_to: slack:… opens a thread in that channel and the run reports there', async () => {
    slack = await startSlackHarness(CREWS);
    slack.openai.setDefault({ content: 'The weekly digest: all quiet.' });
    const crew = await loadCrew('announced', { crewsDir: CREWS, builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES });
    const fired = await fireTrigger({ runner: slack.runner, openers: await threadOpeners(slack.config) }, { crew, index: 0, event: {} });
    expect(fired.threadProblem).toBeUndefined();

    const root = slack.fake.messages.find((message) => message.channel === 'C0TRIGGER1' && !message.threadTs)!;
    expect(root.text).toContain('announced');
    expect(root.text).toContain('the weekly digest');
    const run = await slack.store.getRun(fired.runId);
    expect(run?.thread).toEqual({ platform: 'slack', id: `slack:C0TRIGGER1:${root.ts}` });
    await waitFor('the run to complete', async () => ((await slack!.store.getRun(fired.runId))?.status === 'completed' ? true : undefined));
    await slack.settle();
    const replies = slack.replies('C0TRIGGER1', root.ts).map((message) => message.text + JSON.stringify(message.blocks));
    expect(replies.some((text) => text.includes('The weekly digest: all quiet.'))).toBe(true);
  });

  it('without the platform token a post_to trigger runs headless and says why', async () => {
    h = await startRunnerHarness(CREWS);
    h.server.setDefault({ content: 'ok' });
    const crew = await loadCrew('announced', { crewsDir: CREWS, builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES });
    const fired = await fireTrigger({ runner: h.runner, openers: {} }, { crew, index: 0, event: {} });
    expect(fired.threadProblem).toMatch(/SLACK_BOT_TOKEN is not set in this process/);
    expect((await h.store.getRun(fired.runId))?.thread).toBeUndefined();
  });
});
