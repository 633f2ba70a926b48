import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { LlmNotConfiguredError } from '../../src/llm/errors.ts';
import { createRuntime } from '../../src/runtime.ts';

describe('a runtime with neither OPENAI_API_KEY nor OPENAI_BASE_URL', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('fails a chat-started run at its first model call, saying what to set, without retrying it', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-nokey-'));
    const config = loadConfig({ CREWBOT_CREWS_DIR: path.resolve('test/fixtures/endpoint-crews'), CREWBOT_STORE: `sqlite://${path.join(dir, 'runs.sqlite')}` }, { dotenv: false });
    const runtime = createRuntime(config);
    const { runner, close } = await runtime.openRunner({ schedule: () => undefined });
    try {
      const started = await runner.kickoff({ crew: 'notes', inputs: {}, requester: { platform: 'slack', userId: 'U0ADA' } });
      const run = await runner.advance(started!.id);

      expect(run.status).toBe('failed');
      expect(run.error).toBe(`Task note_task failed: ${new LlmNotConfiguredError().message}`);
      expect(run.usage.llmCalls).toBe(0);
    } finally {
      await runner.shutdown();
      await close();
    }
  });
});
