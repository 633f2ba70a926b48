import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScriptedOpenAI, textOf, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The ```ts blocks of the README's "Crews in code" section, in order: the docs are what is tested. */
async function readmeExamples(): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Crews in code\n');
  if (start < 0) throw new Error('README.md has no "Crews in code" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

describe('the README "Crews in code" examples', () => {
  let server: ScriptedOpenAI;
  let dir: string;
  let storeDir: string;
  let examples: string[];
  const saved = { ...process.env };

  beforeAll(async () => {
    examples = await readmeExamples();
    server = await startScriptedOpenAI();
    server.setDefault((request) => {
      const text = textOf(request);
      if (text.includes('Editor')) {
        const first = !server.requests.slice(0, -1).some((earlier) => textOf(earlier).includes('Editor'));
        return { content: first ? '{"headline": "WebAssembly is here!"}' : '{"headline": "WebAssembly, explained"}' };
      }
      if (text.includes('Researcher')) return { content: 'FACT: WebAssembly runs in every major browser.' };
      if (text.includes('Writer')) return { content: '# WebAssembly\nA short article.' };
      return { content: '- fast\n- portable\n- safe' };
    });
    // Inside the repository, so `crewbot` resolves to this package by its own name as it does for a project.
    dir = await mkdtemp(path.join(ROOT, '.crewbot-readme-'));
    storeDir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-readme-store-'));
    Object.assign(process.env, {
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_MODEL: 'test-model',
      CREWBOT_STORE: `sqlite://${path.join(storeDir, 'runs.sqlite')}`,
    });
  });

  afterAll(async () => {
    process.env = saved;
    await server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(storeDir, { recursive: true, force: true });
  });

  async function run(index: number): Promise<string[]> {
    const code = examples[index];
    if (code === undefined) throw new Error(`README "Crews in code" has no example ${index + 1}`);
    expect(code).not.toMatch(/from '\.|src\//);
    const file = path.join(dir, `example${index + 1}.ts`);
    await writeFile(file, code);
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    return lines;
  }

  it('imports only from the package by its name', () => {
    expect(examples).toHaveLength(3);
    for (const code of examples) {
      const sources = [...code.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      expect(sources.every((source) => source === 'crewbot' || source === 'zod' || source?.startsWith('node:'))).toBe(true);
    }
  });

  it('runs the researcher → writer crew with the model from OPENAI_*', async () => {
    const lines = await run(0);

    expect(lines).toContain('crew_kickoff_started');
    expect(lines).toContain('crew_kickoff_completed');
    expect(lines).toContain('# WebAssembly\nA short article.');
    expect(lines.at(-1)).toMatch(/^2 LLM calls, \d+ tokens$/);
    expect(server.requests[1]?.lastUser).toContain('FACT: WebAssembly runs in every major browser.');
  });

  it('stops for a review, stores the state as JSON, and continues it with the answer', async () => {
    const lines = await run(1);

    expect(lines).toEqual(['review for task_1', JSON.stringify({ headline: 'WebAssembly, explained' })]);
  });

  it('runs a code crew durably through the Runner and the run store', async () => {
    const lines = await run(2);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^completed /);
    expect(lines[0]).toContain('- fast');
  });
});
