import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREWBOT_BIN, runCli } from '../support/runCli.ts';

/** The commands crewbot's hints print are the ones that work where the user typed crewbot. */
describe("crewbot's hints name crewbot as it was started", () => {
  let dir: string;
  let env: Record<string, string>;
  let linked: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-hints-'));
    env = { CREWBOT_STORE: `sqlite://${path.join(dir, 'runs.sqlite')}`, CREWBOT_CREWS_DIR: path.resolve('test/fixtures/cli-crews') };
    // What `npm link` or a global install puts on PATH: a `crewbot` link to bin/crewbot.js.
    linked = path.join(dir, 'bin', 'crewbot');
    await mkdir(path.dirname(linked));
    await symlink(CREWBOT_BIN, linked);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('print npx crewbot when crewbot was run from the repository (node bin/crewbot.js, npx, npm scripts)', async () => {
    const direct = await runCli(['runs'], env);
    const throughNpx = await runCli(['runs'], { ...env, npm_lifecycle_event: 'npx', npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js' }, { script: linked });

    expect(direct.stdout.trim()).toBe('No runs yet. Start one with: npx crewbot run <crew>');
    expect(throughNpx.stdout.trim()).toBe('No runs yet. Start one with: npx crewbot run <crew>');
  });

  it('print a bare crewbot when a crewbot on PATH was run', async () => {
    const result = await runCli(['runs'], env, { script: linked });

    expect(result.stdout.trim()).toBe('No runs yet. Start one with: crewbot run <crew>');
  });

});
