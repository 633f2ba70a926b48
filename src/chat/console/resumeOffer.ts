import { errorMessage } from '../../engine/errors.ts';
import type { RunRecord, RunStatus } from '../../runs/runRecord.ts';
import { ConsoleClosed } from './consoleInput.ts';
import type { ConsoleContext } from './context.ts';
import { terminalText, unfinishedReason } from './consoleRenderer.ts';
import { followRun, viewFromCheckpoint } from './followRun.ts';

const UNFINISHED: readonly RunStatus[] = ['awaiting_input', 'running', 'queued'];
const INTERRUPTED: readonly RunStatus[] = ['running', 'queued'];

/**
 * Before the prompt: runs a previous terminal session left unfinished (Ctrl-C, a crash, a review
 * nobody gave yet), and runs Ctrl-C cut short on the command line, are offered one by one and
 * continued here when the person says yes. A declined one stays within reach of `resume`.
 */
export async function offerUnfinishedRuns(ctx: ConsoleContext): Promise<void> {
  // A runner that schedules takes over runs whose process died now; one that does not leaves them to the offer.
  await ctx.runner.recover();
  const runs = await offeredRuns(ctx);
  for (const listed of runs) {
    const reply = await ctx.input.ask(`Continue run ${listed.id} (${listed.crew}, ${unfinishedReason(listed)})? [Y/n] `);
    if (/^(n|no)$/i.test(reply.trim())) {
      ctx.say(`Left as it is; \`resume ${listed.id.slice(0, 8)}\` continues it later, \`runs\` lists it.`);
      continue;
    }
    await continueRun(ctx, listed);
  }
}

/**
 * The terminal's own unfinished runs, and command-line runs left running with no process holding
 * them (a command-line run waiting for a person is answered with `crewbot resume`, where it was asked).
 */
async function offeredRuns(ctx: ConsoleContext): Promise<RunRecord[]> {
  const unfinished = await ctx.runner.store.listRuns({ status: UNFINISHED });
  const offered: RunRecord[] = [];
  for (const run of unfinished) {
    if (run.requester.platform === 'console') offered.push(run);
    else if (run.requester.platform === 'cli' && INTERRUPTED.includes(run.status) && !(await ctx.runner.store.leaseHolder(run.id))) offered.push(run);
  }
  return offered;
}

/** Follows a run from where it stands to its end (or the next Ctrl-C); a failure to is said, not thrown. */
export async function continueRun(ctx: ConsoleContext, listed: RunRecord): Promise<void> {
  try {
    // Read again: it may have moved on (a takeover, an answer from elsewhere) while the question was open.
    const run = (await ctx.runner.store.getRun(listed.id)) ?? listed;
    const loaded = await ctx.crews.loadCrew(run.crewDir ?? run.crew);
    await followRun(ctx, run, loaded, await viewFromCheckpoint(ctx, run, loaded));
  } catch (error) {
    if (error instanceof ConsoleClosed) throw error;
    ctx.activeRun = undefined;
    ctx.say(`Could not continue run ${listed.id}: ${terminalText(errorMessage(error))}`);
  }
}
