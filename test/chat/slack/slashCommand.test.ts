import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buttonsOf, buttonValue, shownText, streamView } from '../../support/fakeSlackApi.ts';
import { startSlackHarness, waitFor, type SlackHarness } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const RELEASES = 'C0RELEASES';
const GENERAL = 'C0GENERAL';

describe('/crew', () => {
  let h: SlackHarness;
  beforeEach(async () => {
    h = await startSlackHarness(CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts a root message, runs the crew in its thread, takes requested changes from a modal, and posts the approved result', async () => {
    h.openai.enqueue({ content: 'Notes v1' }, { content: 'Notes v2, now with **emoji** 🎉' }, { content: 'Announcing 2.0: see the notes.' });

    const ack = await h.slack.slashCommand({ text: 'release_notes 2.0', userId: 'U0ADA', userName: 'ada', channelId: RELEASES });
    expect(ack).toMatchObject({ status: 200, body: '' });

    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    expect(root.text).toContain('<@U0ADA> started *release_notes*');
    expect(shownText(root)).toContain('version: 2.0');
    const runId = await h.runIn(RELEASES, root.ts);
    const thread = () => h.replies(RELEASES, root.ts);

    const firstPrompt = await waitFor('the review prompt', () => thread().find((m) => buttonsOf(m).includes('crew_request:approve')));
    expect(buttonsOf(firstPrompt)).toEqual(['crew_request:approve', 'crew_request:request_changes']);
    expect(thread().some((m) => shownText(m).includes('Notes v1'))).toBe(true);
    const status = thread().find((m) => buttonsOf(m).includes('crew_cancel'));
    expect(status).toBeDefined();
    expect(thread()[0]).toBe(status);
    // While the plan streams the status only heads the thread; a waiting run shows its checklist there.
    await waitFor('the status to show the waiting run', () => shownText(h.fake.message(RELEASES, status!.ts)).includes('draft_task'));

    await h.slack.blockAction({
      userId: 'U0ADA',
      channelId: RELEASES,
      messageTs: firstPrompt.ts,
      threadTs: root.ts,
      actionId: 'crew_request:request_changes',
      value: buttonValue(firstPrompt, 'crew_request:request_changes'),
    });
    const opened = await waitFor('the Request changes modal', () => h.fake.callsTo('views.open')[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('crew_answer');

    await h.slack.viewSubmission({ userId: 'U0ADA', userName: 'ada', callbackId: 'crew_answer', privateMetadata: view.private_metadata, values: { answer: { text: 'Add emoji' } } });
    const secondPrompt = await waitFor('the second review prompt', () => thread().find((m) => m.ts !== firstPrompt.ts && buttonsOf(m).includes('crew_request:approve')));
    expect(h.openai.requests[1]?.lastUser).toContain('Add emoji');
    // The first prompt's buttons are replaced by who answered and what.
    expect(buttonsOf(h.fake.message(RELEASES, firstPrompt.ts))).toEqual([]);
    expect(shownText(h.fake.message(RELEASES, firstPrompt.ts))).toContain('ada asked for changes: Add emoji');

    await h.slack.blockAction({
      userId: 'U0ADA',
      channelId: RELEASES,
      messageTs: secondPrompt.ts,
      threadTs: root.ts,
      actionId: 'crew_request:approve',
      value: buttonValue(secondPrompt, 'crew_request:approve'),
    });
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    await h.settle();

    expect(shownText(h.fake.message(RELEASES, secondPrompt.ts))).toContain('ada approved');
    const result = thread().find((m) => shownText(m).includes('release_notes — result'));
    expect(shownText(result)).toContain('Announcing 2.0: see the notes.');
    // Each task's output is in the streamed plan, as the agent wrote it.
    expect(h.fake.streamsIn(RELEASES, root.ts).some((stream) => streamView(stream).text.includes('**Release Writer · draft_task**\n\nNotes v2, now with **emoji**'))).toBe(true);
    const finalStatus = h.fake.message(RELEASES, status!.ts)!;
    expect(finalStatus.edits).toBeGreaterThan(1);
    expect(shownText(finalStatus)).toContain(':white_check_mark: `publish_task`');
    expect(shownText(finalStatus)).toMatch(/release_notes\* · done/);
    expect(buttonsOf(finalStatus)).toEqual([]);
    // State comes from the run store, never from reading the thread back.
    expect(h.fake.calls.map((call) => call.method)).not.toContain('conversations.replies');
    expect(h.fake.calls.map((call) => call.method)).not.toContain('conversations.history');
  });

  it('lists the crews and their inputs for /crew and /crew help, only to the person asking', async () => {
    await h.slack.slashCommand({ text: '', userId: 'U0ADA', channelId: GENERAL });
    await h.slack.slashCommand({ text: 'help', userId: 'U0BOB', channelId: GENERAL });
    const [toAda] = await waitFor('the help', () => h.ephemerals('U0ADA').length > 0 && h.ephemerals('U0ADA'));
    expect(toAda).toContain('`briefing` — Researches a topic and writes a short briefing');
    expect(toAda).toContain('topic (required) — What to brief on');
    expect(toAda).toContain('tone (default: friendly)');
    expect(toAda).toContain('`release_notes`');
    await waitFor('the help for Bob', () => h.ephemerals('U0BOB').length === 1);
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('answers bad input with usage and the crew’s inputs, and starts nothing', async () => {
    await h.slack.slashCommand({ text: 'briefing WebAssembly colour=blue', userId: 'U0ADA', channelId: GENERAL });
    await h.slack.slashCommand({ text: 'no_such_crew hello', userId: 'U0ADA', channelId: GENERAL });
    const replies = await waitFor('two usage replies', () => h.ephemerals('U0ADA').length === 2 && h.ephemerals('U0ADA'));
    // Each command is handled on its own: the replies may come in either order.
    const badKey = replies.find((text) => text.includes('briefing has no input'));
    const noCrew = replies.find((text) => text.includes('No crew'));
    expect(badKey).toContain('briefing has no input "colour"');
    expect(badKey).toContain('audience (required) — Who reads the briefing');
    expect(noCrew).toContain('No crew "no_such_crew"');
    expect(noCrew).toContain('briefing');
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await h.store.listRuns()).toEqual([]);
  });

  it('opens a modal with one field per input when required inputs are missing; submitting it starts the crew', async () => {
    h.openai.enqueue({ content: 'Five findings' }, { content: 'The briefing' });
    await h.slack.slashCommand({ text: 'briefing', userId: 'U0ADA', userName: 'ada', channelId: GENERAL });
    const opened = await waitFor('the inputs modal', () => h.fake.callsTo('views.open')[0]);
    const view = opened.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ type: string; block_id?: string; optional?: boolean; element?: { initial_value?: string } }> };
    expect(view.callback_id).toBe('crew_inputs');
    const fields = view.blocks.filter((block) => block.type === 'input');
    expect(fields.map((field) => [field.block_id, field.optional, field.element?.initial_value])).toEqual([
      ['input:topic', false, undefined],
      ['input:audience', false, undefined],
      ['input:tone', true, 'friendly'],
    ]);
    expect(await h.store.listRuns()).toEqual([]);

    await h.slack.viewSubmission({
      userId: 'U0ADA',
      userName: 'ada',
      callbackId: 'crew_inputs',
      privateMetadata: view.private_metadata,
      values: { 'input:topic': { value: 'WebAssembly' }, 'input:audience': { value: 'platform team' }, 'input:tone': { value: 'friendly' } },
    });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === GENERAL && !m.threadTs));
    expect(shownText(root)).toContain('topic: WebAssembly');
    const runId = await h.runIn(GENERAL, root.ts);
    await waitFor('the run to complete', async () => (await h.store.getRun(runId))?.status === 'completed');
    expect((await h.store.getRun(runId))?.inputs).toEqual({ topic: 'WebAssembly', audience: 'platform team', tone: 'friendly' });
    expect(h.openai.requests[0]?.lastUser).toContain('Research WebAssembly for platform team.');
  });

  it('refuses an input longer than the limit, naming it and the limit, and posts nothing of it', async () => {
    await h.slack.slashCommand({ text: `briefing ${'w'.repeat(30_000)} audience=devs`, userId: 'U0ADA', channelId: GENERAL });
    const [told] = await waitFor('the refusal', () => h.ephemerals('U0ADA').length > 0 && h.ephemerals('U0ADA'));
    expect(told).toContain('Input "topic" is 30,000 characters; the limit is 20,000 per input (CREWBOT_MAX_INPUT_CHARS).');
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await h.store.listRuns()).toEqual([]);
    expect(h.openai.requests).toHaveLength(0);
  });

  it('tells people crew.yaml does not allow to start the crew (or not in this channel) that they may not, and starts nothing', async () => {
    h.fake.setUserGroup('S0WRITERS', ['U0BOB']);
    await h.slack.slashCommand({ text: 'release_notes 2.0', userId: 'U0MALLORY', channelId: RELEASES });
    await h.slack.slashCommand({ text: 'release_notes 2.0', userId: 'U0ADA', channelId: GENERAL });
    const [mallory] = await waitFor('the refusal', () => h.ephemerals('U0MALLORY').length > 0 && h.ephemerals('U0MALLORY'));
    expect(mallory).toContain('Not allowed');
    expect(mallory).toContain('not allowed to start *release_notes*');
    const [elsewhere] = await waitFor('the channel refusal', () => h.ephemerals('U0ADA').length > 0 && h.ephemerals('U0ADA'));
    expect(elsewhere).toContain('cannot be started in this channel');
    expect(elsewhere).toContain('<#C0RELEASES>');
    expect(h.fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await h.store.listRuns()).toEqual([]);
  });

  it('says what is wrong with a crew.yaml slack section instead of starting the crew', async () => {
    await h.slack.slashCommand({ text: 'misconfigured', userId: 'U0ADA', channelId: GENERAL });
    const [told] = await waitFor('the problem', () => h.ephemerals('U0ADA').length > 0 && h.ephemerals('U0ADA'));
    expect(told).toContain('misconfigured cannot be started from Slack until its crew.yaml is fixed');
    expect(told).toContain('misconfigured/crew.yaml: slack.channels.0: use the channel ID');
    expect(told).toContain('misconfigured/crew.yaml: slack.users.0: use the member ID');
    expect(told).toContain('misconfigured/crew.yaml: slack.approvers:');
    expect(await h.store.listRuns()).toEqual([]);
  });

  it('asks to be invited when /crew is used where the bot is not, answering through the response_url', async () => {
    h.fake.failWith('chat.postMessage', 'not_in_channel', 1);
    h.fake.failWith('chat.postEphemeral', 'not_in_channel', 1);
    await h.slack.slashCommand({ text: 'briefing Rust audience=devs', userId: 'U0ADA', channelId: 'C0ELSEWHERE', responseUrl: h.fake.responseUrl('command-1') });
    const reply = await waitFor('the reply through the response_url', () => h.fake.callsTo('response_url')[0]);
    expect(reply.args).toMatchObject({ id: 'command-1', response_type: 'ephemeral' });
    expect(String(reply.args.text)).toContain('Invite me first');
    expect(await h.store.listRuns()).toEqual([]);
  });

  it('lets members of a listed user group start the crew', async () => {
    h.fake.setUserGroup('S0WRITERS', ['U0BOB']);
    h.openai.enqueue({ content: 'Notes' });
    await h.slack.slashCommand({ text: 'release_notes 3.0', userId: 'U0BOB', channelId: RELEASES });
    const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
    expect(root.text).toContain('<@U0BOB> started');
    expect(h.fake.callsTo('usergroups.users.list')[0]?.args.usergroup).toBe('S0WRITERS');
  });
});
