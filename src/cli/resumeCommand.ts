import { assertLlmConfigured } from '../llm/configuredLlm.ts';
import type { HumanAnswer } from '../engine/humanRequest.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import type { CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { followQueuedRun } from './followQueuedRun.ts';
import { advanceAndReport } from './runOutcome.ts';

const USAGE =
  'crewbot resume <runId> [--approve | --deny [reason] | --feedback TEXT | --answer TEXT] [--request ID] [--json]';

/** Answers a pending request (when an answer is given) and continues the run here, or on a worker when a queue is configured. */
export async function resumeCommand(args: string[], runtime: Runtime, io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      approve: { type: 'boolean' },
      deny: { type: 'boolean' },
      feedback: { type: 'string' },
      answer: { type: 'string' },
      request: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  const [runId, ...rest] = positionals;
  if (!runId) throw new UsageError(`Name the run.\nUsage: ${USAGE}`);
  const answer = answerFrom(values, rest);
  assertLlmConfigured(runtime.config);
  // With a fleet's queue the run continues on a worker, and this command follows it there.
  const viaQueue = Boolean(runtime.config.CREWBOT_QUEUE);
  const { runner, close } = await runtime.openRunner(viaQueue ? {} : { schedule: () => undefined });
  try {
    if (answer) {
      const { request } = await runner.answer(runId, { requestId: values.request, answer, actor: localActor() });
      io.err(`Answered ${request.kind} ${request.id} (${request.taskId}).`);
    }
    if (!viaQueue) return await advanceAndReport(runner, runtime, runId, io, values.json ?? false, signal);
    // An answer has queued the run already; a run left running or queued by a stopped process is queued again.
    if (!answer) await runner.enqueue(runId, `resume-${Date.now()}`);
    io.err(`Run ${runId} continues on a worker; waiting for it (Ctrl-C stops waiting, not the run).`);
    return await followQueuedRun(runner, runtime, runId, io, values.json ?? false, signal);
  } finally {
    await close();
  }
}

function answerFrom(
  values: { approve?: boolean; deny?: boolean; feedback?: string; answer?: string },
  rest: string[],
): HumanAnswer | undefined {
  const given = [values.approve, values.deny, values.feedback !== undefined, values.answer !== undefined].filter(Boolean);
  if (given.length > 1) throw new UsageError(`Give one of --approve, --deny, --feedback or --answer.\nUsage: ${USAGE}`);
  // `--deny` takes its reason as the words after the run id.
  if (rest.length > 0 && !values.deny) throw new UsageError(`Unexpected "${rest.join(' ')}".\nUsage: ${USAGE}`);
  if (values.approve) return { type: 'approve' };
  if (values.deny) return rest.length ? { type: 'deny', reason: rest.join(' ') } : { type: 'deny' };
  if (values.feedback !== undefined) {
    if (!values.feedback.trim()) throw new UsageError('--feedback needs the changes to ask for.');
    return { type: 'feedback', text: values.feedback };
  }
  if (values.answer !== undefined) {
    if (!values.answer.trim()) throw new UsageError('--answer needs the answer text.');
    return { type: 'answer', text: values.answer };
  }
  return undefined;
}
