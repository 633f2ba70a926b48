import { link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import { OutputFileError } from '../../src/engine/outputFile.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

/**
 * A project directory holds .env (the API key) next to the output directory. Whatever the inputs
 * and links say, an agent's text lands inside the output directory and nowhere else.
 */
describe('output files stay inside their own directory', () => {
  let server: ScriptedOpenAI;
  let project: string;
  let outputDir: string;
  const secretEnv = 'OPENAI_API_KEY=sk-live-do-not-leak\n';
  beforeEach(async () => {
    server = await startScriptedOpenAI();
    server.setDefault({ content: 'AGENT TEXT' });
    project = await mkdtemp(path.join(os.tmpdir(), 'crewbot-project-'));
    outputDir = path.join(project, 'output');
    await writeFile(path.join(project, '.env'), secretEnv);
  });
  afterEach(async () => {
    await server.close();
    await rm(project, { recursive: true, force: true });
  });

  const writer = (outputFile: string) => new Crew(crew({ agents: [agent('a')], tasks: [task('t', { agent: 'a', outputFile })] }));
  const run = (outputFile: string, inputs: Record<string, string> = {}) =>
    writer(outputFile).kickoff(inputs, { llm: llmFor(server), outputDir });

  it('creates the output directory on demand and writes the file there', async () => {
    await run('reports/{topic}.md', { topic: 'q3' });
    expect(await readFile(path.join(outputDir, 'reports', 'q3.md'), 'utf8')).toBe('AGENT TEXT');
  });

  it('does not double the directory for a CrewAI-style "output/report.md"', async () => {
    await run('output/report.md');
    expect(await readdir(outputDir)).toEqual(['report.md']);
  });

  it.each([
    ['a bare placeholder filled with ".env"', '{name}', { name: '.env' }, 'hidden file'],
    ['a dot-directory from an input', '{dir}/config', { dir: '.git' }, 'hidden file'],
    ['a template that climbs out', '../{name}.md', { name: 'x' }, 'climbs out'],
    ['an absolute template', '/tmp/{name}.md', { name: 'x' }, 'absolute path'],
  ])('refuses %s before any LLM call, and .env is untouched', async (_story, template, inputs, why) => {
    const error = await run(template, inputs).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputFileError);
    expect((error as Error).message).toContain(why);
    expect(server.requests).toHaveLength(0);
    expect(await readFile(path.join(project, '.env'), 'utf8')).toBe(secretEnv);
  });

  it('refuses a symbolic link in the output directory that leads to a directory outside it', async () => {
    await mkdir(outputDir);
    await symlink(project, path.join(outputDir, 'up'));
    await expect(run('up/{name}', { name: 'stolen.md' })).rejects.toThrow(/outside/);
    expect(await readdir(project)).not.toContain('stolen.md');
  });

  it('refuses a symbolic link in the output directory that leads to a file outside it', async () => {
    await mkdir(outputDir);
    await symlink(path.join(project, '.env'), path.join(outputDir, 'report.md'));
    await expect(run('report.md')).rejects.toThrow(/link that leads outside/);
    expect(await readFile(path.join(project, '.env'), 'utf8')).toBe(secretEnv);
  });

  it('refuses a hard link that shares its content with a file outside', async () => {
    await mkdir(outputDir);
    await link(path.join(project, '.env'), path.join(outputDir, 'report.md'));
    await expect(run('report.md')).rejects.toThrow(/hard link/);
    expect(await readFile(path.join(project, '.env'), 'utf8')).toBe(secretEnv);
  });

  it('follows a link that stays inside the output directory', async () => {
    await mkdir(path.join(outputDir, 'archive', '2026'), { recursive: true });
    await symlink(path.join(outputDir, 'archive', '2026'), path.join(outputDir, 'latest'));
    await run('latest/report.md');
    expect(await readFile(path.join(outputDir, 'archive', '2026', 'report.md'), 'utf8')).toBe('AGENT TEXT');
  });
});
