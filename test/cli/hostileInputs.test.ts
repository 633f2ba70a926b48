import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { runCli } from '../support/runCli.ts';

const CREWS = path.resolve('test/fixtures/attack-crews');

/** What someone who controls a crew's inputs or its model's answers tries at the command line. */
describe('the crewbot command against hostile inputs and output', () => {
  let cli: CliEnvironment;
  let project: string;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
    project = await mkdtemp(path.join(os.tmpdir(), 'crewbot-project-'));
  });
  afterAll(async () => {
    await cli.close();
    await rm(project, { recursive: true, force: true });
  });

  describe('output_file', () => {
    it('cannot be pointed at the project .env by an input: exit 2, nothing asked of the model, .env intact', async () => {
      await writeFile(path.join(project, '.env'), 'OPENAI_API_KEY=sk-live-do-not-leak\n');
      const before = cli.server.requests.length;
      const result = await runCli(['run', 'output_writer', '--input', 'name=.env'], cli.env, { cwd: project });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/output_file "\{name\}" becomes "\.env", which names a hidden file/);
      expect(cli.server.requests.length).toBe(before);
      expect(await readFile(path.join(project, '.env'), 'utf8')).toBe('OPENAI_API_KEY=sk-live-do-not-leak\n');
    });

    it('is written under output/ in the project (or CREWBOT_OUTPUT_DIR), created on demand', async () => {
      cli.server.enqueue({ content: 'A note' }, { content: 'Another note' });
      expect((await runCli(['run', 'output_writer', '--input', 'name=notes.md'], cli.env, { cwd: project })).code).toBe(0);
      expect(await readFile(path.join(project, 'output', 'notes.md'), 'utf8')).toBe('A note');
      const env = { ...cli.env, CREWBOT_OUTPUT_DIR: 'artifacts/crews' };
      expect((await runCli(['run', 'output_writer', '--input', 'name=notes.md'], env, { cwd: project })).code).toBe(0);
      expect(await readFile(path.join(project, 'artifacts', 'crews', 'notes.md'), 'utf8')).toBe('Another note');
      expect((await readdir(project)).sort()).toEqual(['.env', 'artifacts', 'output']);
    });
  });
});
