import path from 'node:path';
import { buttonsOf, buttonValue, type FakeMessage } from '../../support/fakeSlackApi.ts';
import { describeInboundContract, type Who } from '../../support/inboundContract.ts';
import { startSlackHarness, waitFor } from '../../support/slackHarness.ts';

const CREWS = path.resolve('test/fixtures/slack-crews');
const RELEASES = 'C0RELEASES';
const PEOPLE: Record<Who, { userId: string; userName: string }> = {
  requester: { userId: 'U0ADA', userName: 'ada' },
  stranger: { userId: 'U0MALLORY', userName: 'mallory' },
};

describeInboundContract('Slack (Bolt receiver, signed requests, fake Web API)', async () => {
  const h = await startSlackHarness(CREWS);
  h.fake.setUserGroup('S0WRITERS', []);
  h.fake.setUserGroup('S0REVIEWERS', []);
  const roots = new Map<string, FakeMessage>();
  let presses = 0;
  let kickoffs = 0;
  const rootOf = (runId: string) => roots.get(runId)!;
  return {
    llm: h.openai,
    get store() {
      return h.store;
    },
    redelivers: true,
    strangersMayStart: false,
    kickOff: async (who, options) => {
      const command = { text: 'release_notes 6.0', ...PEOPLE[who], channelId: RELEASES, triggerId: `kickoff-${(kickoffs += 1)}` };
      await h.slack.slashCommand(command);
      if (options?.twice) await h.slack.slashCommand(command, { retryNum: 1 });
      await h.settle();
    },
    askStatus: async (runId, who) => {
      const before = h.ephemerals(PEOPLE[who].userId).length;
      await h.slack.appMention({ channel: RELEASES, user: PEOPLE[who].userId, text: '<@U0CREWBOT> status', threadTs: rootOf(runId).ts });
      await h.settle();
      return waitFor('the status', () => h.ephemerals(PEOPLE[who].userId)[before]);
    },
    startReview: async () => {
      await h.slack.slashCommand({ text: 'release_notes 5.0', ...PEOPLE.requester, channelId: RELEASES });
      const root = await waitFor('the root message', () => h.fake.messages.find((m) => m.channel === RELEASES && !m.threadTs));
      const runId = await h.runIn(RELEASES, root.ts);
      await waitFor('the review prompt', () => h.replies(RELEASES, root.ts).find((m) => buttonsOf(m).includes('crew_request:approve')));
      await waitFor('the run to wait', async () => (await h.store.getRun(runId))?.status === 'awaiting_input');
      await h.settle();
      roots.set(runId, root);
      return runId;
    },
    pressApprove: async (runId, who, options) => {
      const root = rootOf(runId);
      const prompt = h.replies(RELEASES, root.ts).findLast((m) => buttonsOf(m).includes('crew_request:approve'))!;
      const press = {
        ...PEOPLE[who],
        channelId: RELEASES,
        messageTs: prompt.ts,
        threadTs: root.ts,
        actionId: 'crew_request:approve',
        value: buttonValue(prompt, 'crew_request:approve'),
        triggerId: `trigger-${(presses += 1)}`,
      };
      await h.slack.blockAction(press);
      if (options?.twice) await h.slack.blockAction(press, { retryNum: 1 });
      await h.settle();
    },
    reply: async (runId, text, who) => {
      await h.slack.message({ channel: RELEASES, user: PEOPLE[who].userId, text, threadTs: rootOf(runId).ts });
      await h.settle();
    },
    told: async (who) => h.ephemerals(PEOPLE[who].userId),
    settle: () => h.settle(),
    close: () => h.close(),
  };
});
