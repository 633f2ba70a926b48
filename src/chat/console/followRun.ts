import type { LoadedCrew } from '../../crews/loadCrew.ts';
import type { HumanRequest } from '../../engine/humanRequest.ts';
import { TaskOutputSchema } from '../../engine/output.ts';
import { parseRunState, type RunState, type TaskStatus } from '../../engine/runState.ts';
import type { RunRecord } from '../../runs/runRecord.ts';
import { RunNotFoundError } from '../../runs/runStore.ts';
import { readEventLog } from '../../runs/eventLog.ts';
import { toolErrorsOf, toolFailureSummary, toolTalliesOf } from '../../runs/toolErrors.ts';
import { initialProgress, type ProgressView, type TaskMark } from '../progressView.ts';
import { randomUUID } from 'node:crypto';
import { describeRequest } from '../requestPrompt.ts';
import { consoleThread } from '../threadRef.ts';
import type { ConsoleContext } from './context.ts';
import { renderRequest, renderResult, terminalText } from './consoleRenderer.ts';
import { consoleReply } from './inboundReply.ts';
import { ProgressDisplay } from './progressDisplay.ts';

const ANSWER_PROMPT: Record<HumanRequest['kind'], string> = {
  review: 'review> ',
  question: 'answer> ',
  approval: 'approve [yes/no]> ',
  budget: 'extend budget [yes/no]> ',
};

/**
 * Follows a run to its end at the terminal: live progress while it works, its requests asked
 * inline when it waits for a person, the result when it completes. The run is advanced here, one
 * pass per call, after its answers are all given. Subscribes before its first await, so a run
 * kicked off just before misses no event.
 */
export async function followRun(ctx: ConsoleContext, start: RunRecord, loaded: LoadedCrew, view: ProgressView): Promise<RunRecord> {
  ctx.activeRun = start;
  const display = new ProgressDisplay({ output: ctx.output, isTTY: ctx.isTTY, view, verbose: loaded.spec.verbose ?? false, typing: ctx.input });
  const unsubscribe = ctx.runner.subscribe((subject, event) => {
    if (subject.id === start.id) display.onEvent(event);
  });
  const answered = new Set<string>();
  let run = start;
  try {
    for (;;) {
      ctx.activeRun = run;
      switch (run.status) {
        case 'queued':
        case 'running':
          display.start();
          try {
            run = await ctx.input.whileWorking(ctx.runner.advance(run.id));
          } finally {
            display.finish();
          }
          if (run.status === 'queued' || run.status === 'running') {
            ctx.say(`Run ${run.id} is being advanced by another process; \`runs\` shows how it stands.`);
            return finished(ctx, run);
          }
          break;
        case 'awaiting_input':
          run = await answerPending(ctx, run, answered);
          // The run may have gone on and stopped again while the answers were typed: show where it stands.
          if (run.status !== 'queued' && run.status !== 'running') {
            display.start();
            display.finish();
          }
          break;
        case 'completed':
          ctx.say(renderResult(await finalOutput(ctx, run, loaded), toolFailureSummary(toolErrorsOf(display.view.tools))));
          return finished(ctx, run);
        case 'failed':
          ctx.say(`Run ${run.id} failed: ${terminalText(run.error ?? 'no reason was recorded')}`);
          return finished(ctx, run);
        case 'cancelled':
          ctx.say(`Run ${run.id} was cancelled${run.error ? ` (${terminalText(run.error)})` : ''}.`);
          return finished(ctx, run);
        default: {
          const never: never = run.status;
          throw new Error(`Unknown run status ${String(never)}`);
        }
      }
    }
  } finally {
    unsubscribe();
  }
}

/** The picture of a run that was already under way, from its checkpoint. */
export async function viewFromCheckpoint(ctx: ConsoleContext, run: RunRecord, loaded: LoadedCrew): Promise<ProgressView> {
  // Tool failures are counted from the run's events, so a resumed run's counts go on from the log.
  const [state, events] = await Promise.all([savedState(ctx, run.id), readEventLog(ctx.runner.store, run.id)]);
  const view = { ...initialProgress(loaded.spec.name, loaded.spec.tasks.map((task) => task.id), Date.now()), tools: toolTalliesOf(events) };
  if (!state) return { ...view, usage: { ...run.usage } };
  const roleOf = (agentId: string | undefined) => loaded.spec.agents.find((agent) => agent.id === agentId)?.role;
  return {
    ...view,
    status: run.status === 'awaiting_input' ? 'awaiting_input' : 'running',
    tasks: view.tasks.map((task) => {
      const saved = state.tasks[task.id];
      return saved ? { id: task.id, mark: MARK_OF[saved.status], agent: saved.output?.agent ?? roleOf(saved.agent) } : task;
    }),
    usage: { ...state.usage },
  };
}

async function savedState(ctx: ConsoleContext, runId: string): Promise<RunState | undefined> {
  try {
    const raw = await ctx.runner.store.getCheckpoint(runId);
    return raw === undefined ? undefined : parseRunState(raw);
  } catch {
    // A damaged checkpoint is reported by the runner when it advances; the picture starts empty.
    return undefined;
  }
}

const MARK_OF: Record<TaskStatus, TaskMark> = {
  pending: 'waiting',
  running: 'running',
  awaiting_input: 'needs_input',
  completed: 'done',
  skipped: 'skipped',
  failed: 'failed',
};

/**
 * Asks each waiting request in turn; each typed line goes through the shared inbound handler as a
 * reply to that request (the same words as in Slack and Discord). A line that does not fit is
 * asked again; a refusal or a request answered elsewhere is said, and the session goes on.
 */
async function answerPending(ctx: ConsoleContext, run: RunRecord, answered: Set<string>): Promise<RunRecord> {
  // The runner knows a request as soon as it is asked, before the run record lists it.
  const requests = (await ctx.runner.waitingRequests(run)).filter((request) => !answered.has(request.id));
  if (requests.length === 0) {
    // Everything asked was answered here: the run only needs to go on.
    return { ...run, status: 'queued' };
  }
  const thread = run.thread ?? consoleThread(run.id);
  for (const [index, request] of requests.entries()) {
    ctx.say(renderRequest(describeRequest(request), { index, of: requests.length }));
    for (;;) {
      const line = await ctx.input.ask(ANSWER_PROMPT[request.kind]);
      const reply = consoleReply(ctx);
      const result = await ctx.inbound.handle(
        { type: 'reply', delivery: `line:${randomUUID()}`, who: ctx.actor, thread, text: line, addressed: true, to: { request: request.id } },
        reply,
      );
      if (result.outcome === 'handled') answered.add(request.id);
      if (result.outcome === 'refused' && reply.last?.tone === 'unclear' && (await stillWaiting(ctx, run.id, request))) continue;
      break;
    }
  }
  const current = await ctx.runner.store.getRun(run.id);
  if (!current) throw new RunNotFoundError(run.id);
  return current;
}

async function stillWaiting(ctx: ConsoleContext, runId: string, request: HumanRequest): Promise<boolean> {
  const run = await ctx.runner.store.getRun(runId);
  return run !== undefined && (await ctx.runner.waitingRequests(run)).some((candidate) => candidate.id === request.id);
}

/** The output of the crew's last task that produced one (tasks may be skipped). */
async function finalOutput(ctx: ConsoleContext, run: RunRecord, loaded: LoadedCrew): Promise<string> {
  const outputs = await ctx.runner.store.getTaskOutputs(run.id);
  for (const task of [...loaded.spec.tasks].reverse()) {
    const parsed = TaskOutputSchema.safeParse(outputs[task.id]);
    if (parsed.success) return parsed.data.raw;
  }
  return '';
}

function finished(ctx: ConsoleContext, run: RunRecord): RunRecord {
  ctx.activeRun = undefined;
  return run;
}
