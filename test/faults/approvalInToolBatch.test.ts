import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { invocations } from '../fixtures/fault-crews/refund_crew/tools.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };

describe('a batch of tool calls that stops on one approval', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS);
    invocations.length = 0;
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs the approved call once the person approves; the call that already ran is not repeated', async () => {
    h.server.on((req) =>
      req.messages.some((m) => m.role === 'tool')
        ? { content: 'Order 42 refunded.' }
        : {
            toolCalls: [
              { id: 'call_lookup', name: 'look_up_order', arguments: { order: 42 } },
              { id: 'call_refund', name: 'issue_refund', arguments: { order: 42 } },
            ],
          },
    );
    const started = await h.runner.kickoff({ crew: 'refund_crew', inputs: {}, requester: ada });
    await h.runner.idle();
    let run = (await h.store.getRun(started!.id))!;
    expect(run.status).toBe('awaiting_input');
    expect(run.pending[0]).toMatchObject({ kind: 'approval', tool: 'issue_refund' });
    expect(invocations).toEqual(['look_up_order 42']);

    await h.runner.answer(run.id, { answer: { type: 'approve' }, actor: ada });
    await h.runner.idle();
    run = (await h.store.getRun(run.id))!;
    expect(run.status).toBe('completed');
    expect(invocations).toEqual(['look_up_order 42', 'issue_refund 42']);
    // The model's next call sees a result for each of its calls, as the API requires.
    expect(h.server.requests).toHaveLength(2);
    const toolResults = h.server.requests[1]?.messages.filter((m) => m.role === 'tool');
    expect(toolResults?.map((m) => [m.tool_call_id, m.content])).toEqual([
      ['call_lookup', 'order 42: paid, 30 EUR'],
      ['call_refund', 'refunded order 42'],
    ]);
  });
});
