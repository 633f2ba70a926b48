import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputTooLargeError } from '../../src/runs/inputLimits.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';

const CREWS = path.resolve('test/fixtures/hitl-crews');
const ada = { platform: 'cli' as const, userId: 'ada' };

/** A megabyte pasted into an input would be sent to the model in every prompt of the crew, and paid for. */
describe('input size limits at kickoff (every surface goes through here)', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(CREWS, { inputLimits: { maxInputChars: 1_000, maxTotalChars: 1_500 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses an input over the limit, naming it and the limit, before anything is stored or sent', async () => {
    const error = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: 'x'.repeat(1_048_576) }, requester: ada }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputTooLargeError);
    expect((error as Error).message).toBe(
      'Input "version" is 1,048,576 characters; the limit is 1,000 per input (CREWBOT_MAX_INPUT_CHARS). ' +
        'Shorten it, or put the text somewhere the crew can read it (a URL for fetch_url).',
    );
    expect(await h.store.listRuns()).toEqual([]);
    expect(h.server.requests).toHaveLength(0);
  });

  it('refuses inputs that are each within the limit but too long together', async () => {
    const inputs = { version: 'v'.repeat(900), notes: 'n'.repeat(900) };
    await expect(h.runner.kickoff({ crew: 'review_crew', inputs, requester: ada })).rejects.toThrow(
      /The inputs are 1,800 characters together; the limit is 1,500 for all inputs of a run \(CREWBOT_MAX_TOTAL_INPUT_CHARS\)/,
    );
    expect(await h.store.listRuns()).toEqual([]);
  });

  it('starts a run whose inputs are within the limits', async () => {
    h.server.setDefault({ content: 'Notes' });
    const run = await h.runner.kickoff({ crew: 'review_crew', inputs: { version: 'v'.repeat(1_000) }, requester: ada });
    expect(run?.inputs.version).toHaveLength(1_000);
  });
});
