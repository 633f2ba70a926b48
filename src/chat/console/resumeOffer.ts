import { errorMessage } from '../../engine/errors.ts';
import type { RunStatus } from '../../runs/runRecord.ts';
import { ConsoleClosed } from './consoleInput.ts';
import type { ConsoleContext } from './context.ts';
import { terminalText, unfinishedReason } from './consoleRenderer.ts';
import { followRun, viewFromCheckpoint } from './followRun.ts';

const UNFINISHED: readonly RunStatus[] = ['awaiting_input', 'running', 'queued'];

/**
 * Before the prompt: runs a previous terminal session left unfinished (Ctrl-C, a crash, a review
 * nobody gave yet) are offered one by one and continued here when the person says yes.
 */
export async function offerUnfinishedRuns(ctx: ConsoleContext): Promise<void> {
  // A runner that schedules takes over runs whose process died now; one that does not leaves them to the offer.
  await ctx.runner.recover();
  const runs = (await ctx.runner.store.listRuns({ status: UNFINISHED })).filter((run) => run.requester.platform === 'console');
  for (const listed of runs) {
    const reply = await ctx.input.ask(`Continue run ${listed.id} (${listed.crew}, ${unfinishedReason(listed)})? [Y/n] `);
    if (/^(n|no)$/i.test(reply.trim())) {
      ctx.say(`Left as it is; \`runs\` lists it.`);
      continue;
    }
    try {
      // Read again: it may have moved on (a takeover, an answer from elsewhere) while the question was open.
      const run = (await ctx.runner.store.getRun(listed.id)) ?? listed;
      const loaded = await ctx.crews.loadCrew(run.crew);
      await followRun(ctx, run, loaded, await viewFromCheckpoint(ctx, run, loaded));
    } catch (error) {
      if (error instanceof ConsoleClosed) throw error;
      ctx.activeRun = undefined;
      ctx.say(`Could not continue run ${listed.id}: ${terminalText(errorMessage(error))}`);
    }
  }
}
