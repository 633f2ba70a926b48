import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startFakeDiscord } from '../test/support/fakeDiscord.ts';
import { startFakeSlackApi } from '../test/support/fakeSlackApi.ts';
import freshBuild from '../test/support/freshBuild.ts';
import { CREWBOT_BIN } from '../test/support/runCli.ts';
import { startScriptedOpenAI } from '../test/support/scriptedOpenAI.ts';

/**
 * Whole-process start-up, as a user meets it: the real `crewbot` command spawned as a child
 * process (the compiled build `npm install` makes), timed from spawn to exit or to its ready line.
 *
 *   node bin/run-ts.js bench/startup.ts [--runs 5] [--node /path/to/node] [--root /other/checkout]
 *
 * --node runs the command on another Node binary (e.g. Node 24 from .ci/node-versions' cache);
 * --root measures another checkout's bin/crewbot.js with its own crews/ (a before/after comparison).
 */

const OWN_ROOT = path.dirname(path.dirname(CREWBOT_BIN));

/** Preloaded into the measured process: reports its own peak RSS and CPU time when it exits. */
const REPORT_RESOURCES =
  'data:text/javascript,' +
  encodeURIComponent(
    "process.on('exit', () => { const u = process.resourceUsage(); " +
      "process.stderr.write('\\nBENCH_RESOURCES ' + JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }) + '\\n'); });",
  );

const ResourcesSchema = z.object({ maxRssKb: z.number(), cpuMs: z.number() });

/**
 * GNU time, when installed (Debian's `time` package): it reads the peak RSS the kernel kept for the
 * whole process, including what happens after the last JavaScript ran (Node's teardown, compiler
 * threads finishing). Without it the process's own figure at its 'exit' event is used.
 */
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;

export interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

export interface StartupResult {
  node: string;
  /** How peak RSS was read: over the whole process (GNU time) or at its 'exit' event. */
  peakRss: 'whole process' | 'at exit';
  runs: number;
  list: Sample;
  run: Sample;
  /** `npm start` with Slack and Discord configured: spawn → "crewbot is running". */
  npmStartReadyMs: number;
  /** The same with `node bin/crewbot.js start` (without npm's own start-up). */
  startReadyMs: number;
}

export async function startup(options: { runs?: number; node?: string; root?: string } = {}): Promise<StartupResult> {
  const runs = options.runs ?? 5;
  const node = options.node ?? process.execPath;
  const root = path.resolve(options.root ?? OWN_ROOT);
  if (root === OWN_ROOT) await freshBuild();
  const openai = await startScriptedOpenAI();
  // Zero latency: every task is answered at once, so the numbers are crewbot's own.
  openai.setDefault((req) => ({ content: req.lastUser.includes('briefing') ? 'A briefing.' : '- A fact (https://example.com)' }));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-startup-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'sk-bench',
    CREWBOT_STORE: `sqlite://${path.join(dir, 'runs.sqlite')}`,
  };
  try {
    const list = await median(runs, () => timeCommand(root, node, ['list'], env));
    // The seed two-task crew: researcher → writer.
    const run = await median(runs, () => timeCommand(root, node, ['run', 'research_writer', '--input', 'topic=WebAssembly', '--json'], env));
    const npmStartReadyMs = await medianOf(runs, () => timeReady(root, ['npm', 'start'], node, env));
    const startReadyMs = await medianOf(runs, () => timeReady(root, [node, path.join(root, 'bin', 'crewbot.js'), 'start'], node, env));
    return {
      node: execFileSync(node, ['--version']).toString().trim(),
      peakRss: hasGnuTime ? 'whole process' : 'at exit',
      runs,
      list,
      run,
      npmStartReadyMs,
      startReadyMs,
    };
  } finally {
    await openai.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** One untimed run first (disk cache), then the median of `runs` by wall time. */
async function median(runs: number, once: () => Promise<Sample>): Promise<Sample> {
  await once();
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await once());
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  return { wallMs: middle(samples.map((s) => s.wallMs)), cpuMs: middle(samples.map((s) => s.cpuMs)), maxRssMb: middle(samples.map((s) => s.maxRssMb)) };
}

async function medianOf(runs: number, once: () => Promise<number>): Promise<number> {
  return (await median(runs, async () => ({ wallMs: await once(), cpuMs: 0, maxRssMb: 0 }))).wallMs;
}

async function timeCommand(root: string, node: string, args: string[], env: Record<string, string>): Promise<Sample> {
  const started = performance.now();
  const command = [node, '--import', REPORT_RESOURCES, path.join(root, 'bin', 'crewbot.js'), ...args];
  const [file = '', ...rest] = hasGnuTime ? [GNU_TIME, '-f', 'BENCH_PEAK_RSS_KB %M', ...command] : command;
  const child = spawn(file, rest, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`crewbot ${args.join(' ')} exited ${code}:\n${stderr}`);
  const line = stderr.split('\n').find((l) => l.startsWith('BENCH_RESOURCES '));
  const resources = ResourcesSchema.parse(JSON.parse(line?.slice('BENCH_RESOURCES '.length) ?? 'null'));
  const peak = /^BENCH_PEAK_RSS_KB (\d+)$/m.exec(stderr)?.[1];
  return { wallMs, cpuMs: resources.cpuMs, maxRssMb: (peak === undefined ? resources.maxRssKb : Number(peak)) / 1024 };
}

/** Spawn → the ready line, with Slack (HTTP receiver) and Discord (gateway) pointed at the fakes. */
async function timeReady(root: string, command: string[], node: string, baseEnv: Record<string, string>): Promise<number> {
  const [slack, discord] = await Promise.all([startFakeSlackApi(), startFakeDiscord()]);
  const [file = '', ...args] = command;
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: root,
    detached: true,
    env: {
      ...baseEnv,
      // npm runs the script with the first node on PATH: the one measured.
      PATH: `${path.dirname(node)}:${baseEnv.PATH}`,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: slack.url,
      PORT: '0',
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_API_URL: discord.apiUrl,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('crewbot is running')) resolve(performance.now() - started);
      });
      child.on('close', (code) => reject(new Error(`${command.join(' ')} exited ${code} before it was ready:\n${stderr}`)));
    });
  } finally {
    const exited = new Promise((resolve) => child.on('close', resolve));
    // The whole group: npm and the crewbot process it started.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    await exited;
    await Promise.all([slack.close(), discord.close()]);
  }
}

export function formatStartup(result: StartupResult): string[] {
  const sample = (s: Sample) => `${s.wallMs.toFixed(0)} ms wall, ${s.cpuMs.toFixed(0)} ms CPU, ${s.maxRssMb.toFixed(0)} MB peak RSS`;
  return [
    `whole-process start-up on Node ${result.node} (median of ${result.runs}; peak RSS ${result.peakRss}):`,
    `  crewbot list: ${sample(result.list)} (target <= 250 ms wall)`,
    `  crewbot run research_writer --json, 0 ms model: ${sample(result.run)} (target <= 500 ms wall, <= 90 MB)`,
    `  npm start, Slack + Discord ready: ${result.npmStartReadyMs.toFixed(0)} ms (target <= 1500 ms); node bin/crewbot.js start: ${result.startReadyMs.toFixed(0)} ms`,
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, node: { type: 'string' }, root: { type: 'string' } } });
  const result = await startup({ runs: values.runs ? Number(values.runs) : undefined, node: values.node, root: values.root });
  for (const line of formatStartup(result)) console.log(line);
}
