import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startScriptedOpenAI, type ScriptedOpenAI } from './scriptedOpenAI.ts';

/** What a `crewbot` child process needs: a scripted LLM server, a crews directory and a run store of its own. */
export interface CliEnvironment {
  server: ScriptedOpenAI;
  /** Environment for runCli. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startCliEnvironment(crewsDir: string, extra: Record<string, string> = {}): Promise<CliEnvironment> {
  const server = await startScriptedOpenAI();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-cli-'));
  return {
    server,
    env: {
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      CREWBOT_CREWS_DIR: path.resolve(crewsDir),
      CREWBOT_STORE: `sqlite://${path.join(dir, 'runs.sqlite')}`,
      ...extra,
    },
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
