import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A project of someone else's that depends on crewbot, as `npm install ../crewbot` would lay it out. */
const APP = `
import { Crew } from 'crewbot';
import { ScriptedLlm } from 'crewbot/testing';
import { defineTool } from 'crewbot/tools';

const llm = new ScriptedLlm((request) => ({ content: 'Summary of: ' + request.messages.at(-1).content.split('\\n')[0] }));
const output = await new Crew({
  name: 'plain',
  process: 'sequential',
  agents: [{ id: 'writer', role: 'Writer', goal: 'Write', backstory: 'A writer.', tools: [], allowDelegation: false, maxIter: 5, verbose: false }],
  tasks: [{ id: 'write', description: 'Write about {topic}.', expectedOutput: 'A line.', agent: 'writer', asyncExecution: false, humanInput: false, markdown: false, guardrailMaxRetries: 0, priority: 0 }],
}).kickoff({ topic: 'plain Node' }, { llm });
console.log(JSON.stringify({
  raw: output.raw,
  entry: import.meta.resolve('crewbot'),
  defineTool: typeof defineTool,
  loaders: process.execArgv,
}));
`;

describe('crewbot installed in another project', () => {
  let project: string;

  beforeAll(async () => {
    project = await mkdtemp(path.join(os.tmpdir(), 'crewbot-dependent-'));
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'dependent', type: 'module', dependencies: { crewbot: `file:${ROOT}` } }));
    await mkdir(path.join(project, 'node_modules'));
    await symlink(ROOT, path.join(project, 'node_modules', 'crewbot'), 'dir');
    await writeFile(path.join(project, 'app.mjs'), APP);
  });

  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('imports the package by name from a plain .mjs file, without a TypeScript loader, and runs a crew', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['app.mjs'], {
      cwd: project,
      env: { PATH: process.env.PATH ?? '' },
    });
    const result = JSON.parse(stdout.trim()) as { raw: string; entry: string; defineTool: string; loaders: string[] };
    expect(result.raw).toBe('Summary of: Write about plain Node.');
    // The compiled build is what an installed crewbot runs.
    expect(fileURLToPath(result.entry)).toBe(path.join(ROOT, 'dist', 'index.js'));
    expect(result.defineTool).toBe('function');
    expect(result.loaders).toEqual([]);
  });
});
