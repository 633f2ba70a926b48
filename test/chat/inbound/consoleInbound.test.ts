import path from 'node:path';
import { ConsoleAccess } from '../../../src/chat/console/index.ts';
import { answerPolicyOf } from '../../../src/chat/inbound/accessPolicy.ts';
import { describeInboundContract, type Who } from '../../support/inboundContract.ts';
import { startRunnerHarness } from '../../support/runnerHarness.ts';
import { ADA, runSession } from '../consoleDriver.ts';

const CREWS = path.resolve('test/fixtures/hitl-crews');
const PEOPLE: Record<Who, typeof ADA> = { requester: ADA, stranger: { platform: 'console', userId: 'mallory', name: 'Mallory' } };

/**
 * The terminal: each step is a session of its own on the same store, as people at this machine
 * would open one (`npm start`), continuing the waiting run when offered. A press is the button's
 * word typed at the prompt; an answer "delivered twice" is the same answer from two terminals at once.
 */
describeInboundContract('the terminal (console sessions)', async () => {
  const access = new ConsoleAccess();
  const h = await startRunnerHarness(CREWS, { answerPolicy: answerPolicyOf([access]) });
  const outputs: Record<Who, string[]> = { requester: [], stranger: [] };
  const session = async (who: Who, lines: string[]) => {
    const runner = h.anotherRunner({ schedule: () => undefined });
    const { output } = await runSession(runner, CREWS, lines, { actor: PEOPLE[who], access });
    outputs[who].push(output);
  };
  const told = (output: string) => output.split('\n').filter((line) => /^ {2}(Not allowed|Request |This |Write |Reply .* (the draft|to let))/.test(line)).map((line) => line.trim());
  return {
    llm: h.server,
    store: h.store,
    redelivers: false,
    strangersMayStart: true,
    kickOff: async (who) => {
      await session(who, ['review_crew version=7.0']);
      outputs[who] = [];
    },
    askStatus: async (_runId, who) => {
      const runner = h.anotherRunner({ schedule: () => undefined });
      // The waiting run is offered first: left for later, then asked about.
      const { output } = await runSession(runner, CREWS, ['n', 'status'], { actor: PEOPLE[who], access });
      return output.slice(output.lastIndexOf('status\n'));
    },
    startReview: async () => {
      await session('requester', ['review_crew version=2.0']);
      outputs.requester = [];
      const [run] = await h.store.listRuns();
      return run!.id;
    },
    pressApprove: async (_runId, who, options) => {
      const press = session(who, ['y', 'approve']);
      await (options?.twice ? Promise.all([press, session(who, ['y', 'approve'])]) : press);
    },
    reply: async (_runId, text, who) => {
      await session(who, ['y', text]);
    },
    told: async (who) => outputs[who].flatMap(told),
    settle: async () => undefined,
    close: () => h.close(),
  };
});
