import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { openRunStore } from '../../src/runs/openRunStore.ts';
import { runCli as runCliWithin } from '../support/runCli.ts';
import { overwriteStoredValue } from '../support/storedValues.ts';

const CREWS = path.resolve('test/fixtures/attack-crews');

/** One start of the command can take tens of seconds on a loaded two-core machine. */
const runCli = (args: string[], env: Record<string, string>, options: { cwd?: string } = {}) =>
  runCliWithin(args, env, { timeoutMs: 120_000, ...options });

/** What someone who controls a crew's inputs or its model's answers tries at the command line. */
// Each test spawns the real command a few times; on a loaded two-core machine one spawn takes seconds.
describe('the crewbot command against hostile inputs and output', { timeout: 180_000 }, () => {
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

  describe('a damaged run record', () => {
    let sound: string;
    let broken: string;
    beforeAll(async () => {
      const store = await openRunStore(cli.env.CREWBOT_STORE!);
      const requester = { platform: 'cli' as const, userId: 'ada' };
      sound = (await store.createRun({ crew: 'output_writer', inputs: { name: 'a.md' }, requester })).id;
      broken = (await store.createRun({ crew: 'output_writer', inputs: { name: 'b.md' }, requester })).id;
      await store.close();
      expect(await overwriteStoredValue(cli.env.CREWBOT_STORE!, `run:${broken}`, '{"value":{"id":"')).toBe(1);
    });

    it('is skipped by `runs`, which lists the others and names it; `show` says it is damaged and how to remove it', async () => {
      const runs = await runCli(['runs', '--json'], cli.env);
      expect(runs.code).toBe(0);
      expect((JSON.parse(runs.stdout) as Array<{ id: string }>).map((run) => run.id)).toContain(sound);
      expect(runs.stdout).not.toContain(broken);
      expect(runs.stderr).toContain(`Skipped: Run "${broken}" in the run store is damaged`);

      const show = await runCli(['show', broken], cli.env);
      expect(show.code).toBe(1);
      expect(show.stderr).toContain('is damaged');
      expect(show.stderr).toContain(`remove it with: crewbot remove ${broken}`);
    });

    it('is removed by `crewbot remove`, after which `runs` is clean; a run still waiting is not removed', async () => {
      const removed = await runCli(['remove', broken], cli.env);
      expect(removed.stdout).toContain(`Removed damaged run ${broken}.`);
      expect(removed.code).toBe(0);
      const runs = await runCli(['runs'], cli.env);
      expect(runs.stderr).not.toContain('Skipped');
      expect(runs.stdout).toContain(sound);
      const refused = await runCli(['remove', sound], cli.env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`cancel it first (npx crewbot cancel ${sound})`);
    });
  });

  it('`resume` of a run another process holds says who holds it and until when (exit 1)', async () => {
    const store = await openRunStore(cli.env.CREWBOT_STORE!);
    const run = await store.createRun({ crew: 'output_writer', inputs: { name: 'c.md' }, requester: { platform: 'cli', userId: 'ada' } });
    await store.updateRun(run.id, { status: 'running' });
    expect(await store.acquireLease(run.id, 'build-box:4242:abcd1234', 10 * 60_000)).toBeTruthy();
    const until = (await store.leaseHolder(run.id))!.expiresAt;
    await store.close();

    const resumed = await runCli(['resume', run.id], cli.env);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(
      `Run ${run.id} is held by another process, build-box:4242:abcd1234 (host:pid:id), until ${new Date(until).toISOString()}`,
    );
  });

  it('never shows or stores a key a server echoes back URL-encoded, base64-encoded or as a Bearer header', async () => {
    const key = 'sk-proj-Ab3/def+GHI=jkl';
    const slackToken = 'xoxb-111-222-secretslacktoken';
    const env = { ...cli.env, OPENAI_API_KEY: key, SLACK_BOT_TOKEN: slackToken };
    const spellings = [key, encodeURIComponent(key), Buffer.from(key).toString('base64'), slackToken, Buffer.from(`bot:${slackToken}`).toString('base64')];
    const echoed =
      `Bad request for https://api.example/v1?key=${encodeURIComponent(key)} ` +
      `(Authorization: Bearer ${key}; token ${Buffer.from(key).toString('base64')}; ` +
      `upstream Basic ${Buffer.from(`bot:${slackToken}`).toString('base64')})`;
    cli.server.enqueue({ status: 400, errorBody: { error: { message: echoed, type: 'invalid_request_error' } } });

    const run = await runCli(['run', 'output_writer', '--input', 'name=leak.md', '--json'], env, { cwd: project });
    expect(run.code).toBe(1);
    const { runId, error } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { runId: string; error: string };
    expect(error).toContain('Bad request for https://api.example/v1?key=[redacted]');
    const show = await runCli(['show', runId], env);
    const runs = await runCli(['runs', '--json'], env);
    const store = await openRunStore(cli.env.CREWBOT_STORE!);
    const stored = JSON.stringify([await store.getRun(runId), await store.getEvents(runId), await store.getCheckpoint(runId)]);
    await store.close();
    expect(stored).toContain('[redacted]');
    for (const shown of [run.stdout, run.stderr, show.stdout, show.stderr, runs.stdout, stored]) {
      for (const spelling of spellings) expect(shown).not.toContain(spelling);
    }
  });

  it('prints model output without the escape sequences in it (title, clear screen, C1 CSI), and --json exactly', async () => {
    const hostile = 'Report\u001b]0;pwned\u0007 done\u001b[2J\u001b[H\u009b31m red\r\u001b[1Aover';
    cli.server.enqueue({ content: hostile }, { content: hostile });
    const run = await runCli(['run', 'output_writer', '--input', 'name=escapes.md'], cli.env, { cwd: project });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Report done redover\n');
    const json = await runCli(['run', 'output_writer', '--input', 'name=escapes2.md', '--json'], cli.env, { cwd: project });
    const result = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { runId: string; output: string };
    expect(result.output).toBe(hostile);
    const show = await runCli(['show', result.runId], cli.env);
    expect(show.stdout).toContain('Report done red');
    for (const printed of [run.stdout, run.stderr, json.stderr, show.stdout]) expect(printed).not.toMatch(/[\u001b\u0007\u009b\r]/);
  });

  it('refuses an input longer than CREWBOT_MAX_INPUT_CHARS as a usage error (exit 2), naming the input and the limit', async () => {
    const before = cli.server.requests.length;
    const result = await runCli(['run', 'output_writer', '--input', `name=${'a'.repeat(501)}.md`], { ...cli.env, CREWBOT_MAX_INPUT_CHARS: '500' }, { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Input "name" is 504 characters; the limit is 500 per input (CREWBOT_MAX_INPUT_CHARS).');
    expect(cli.server.requests.length).toBe(before);
  });
});
