import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { RunRecordSchema, ThreadRefSchema, type RunRecord } from '../../src/runs/runRecord.ts';
import { createRuntime } from '../../src/runtime.ts';
import type { FakeDiscord } from './fakeDiscord.ts';
import type { RunnerHarness } from './runnerHarness.ts';

/**
 * A Runner in a process of its own, for tests that kill it with SIGKILL, race two of them on one
 * run, or let a fresh one take over what a dead one left:
 *
 *   node --import tsx test/support/runnerProcess.ts kickoff <crew> [key=value...]
 *   node --import tsx test/support/runnerProcess.ts advance <runId>
 *   node --import tsx test/support/runnerProcess.ts recover
 *
 * Configured like crewbot (CREWBOT_STORE, OPENAI_BASE_URL, OPENAI_API_KEY, CREWBOT_CREWS_DIR), plus
 * CREWBOT_LEASE_TTL_MS (the runner's lease TTL) and CREWBOT_START_ON_STDIN=1 (print `ready`, then
 * wait for a line on stdin, so a test can start two processes at the same instant). With
 * DISCORD_TOKEN (and DISCORD_API_URL) it reports into its runs' Discord threads as a worker does,
 * and CREWBOT_RUN_THREAD (a thread ref as JSON) gives a kickoff its thread.
 *
 * stdout: `event <type> <taskId>` for every engine event of this process, as it happens, and JSON
 * lines: `{"runId"}` once a kickoff is stored, `{"run", "advanced"}` per run this process tried to
 * advance (`advanced` is false when another process held it), `{"recovered"}` after a recover.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = fileURLToPath(import.meta.url);

export const RunnerProcessLineSchema = z.union([
  z.object({ runId: z.string() }),
  z.object({ run: RunRecordSchema, advanced: z.boolean() }),
  z.object({ recovered: z.array(z.string()) }),
]);
export type RunnerProcessLine = z.infer<typeof RunnerProcessLineSchema>;

export interface RunnerProcessEnv {
  storeUrl: string;
  llmUrl: string;
  crewsDir: string;
  leaseTtlMs?: number | undefined;
  startOnStdin?: boolean | undefined;
  /** The thread a kickoff reports into. */
  thread?: RunRecord['thread'];
  /** Anything else the crew's tools read. */
  extra?: Record<string, string> | undefined;
}

export interface RunnerProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunnerProcess {
  /** stdout lines so far. */
  readonly lines: string[];
  /** The first line, printed already or to come, that matches; rejects if the process exits first. */
  waitForLine(match: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** The JSON lines so far, parsed. */
  results(): RunnerProcessLine[];
  /** Writes a line to stdin (the start signal). */
  send(line: string): void;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<RunnerProcessExit>;
}

/** A runner process on the harness's store, model and crews, reporting into threads on the fake Discord; its lease 1 s. */
export function discordRunnerEnv(h: Pick<RunnerHarness, 'storeUrl' | 'server' | 'crewsDir'>, discord: Pick<FakeDiscord, 'token' | 'apiUrl'>): RunnerProcessEnv {
  return {
    storeUrl: h.storeUrl,
    llmUrl: h.server.url,
    crewsDir: h.crewsDir,
    leaseTtlMs: 1_000,
    extra: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl },
  };
}

/** Starts `runnerProcess.ts <args>` with only the environment given (plus PATH and HOME). */
export function startRunnerProcess(args: string[], env: RunnerProcessEnv): RunnerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CREWBOT_STORE: env.storeUrl,
      OPENAI_BASE_URL: env.llmUrl,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      OPENAI_MODEL: 'test-model',
      CREWBOT_CREWS_DIR: env.crewsDir,
      ...(env.leaseTtlMs !== undefined ? { CREWBOT_LEASE_TTL_MS: String(env.leaseTtlMs) } : {}),
      ...(env.startOnStdin ? { CREWBOT_START_ON_STDIN: '1' } : {}),
      ...(env.thread ? { CREWBOT_RUN_THREAD: JSON.stringify(env.thread) } : {}),
      ...env.extra,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stdout = '';
  let stderr = '';
  let done = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    stdout += `${line}\n`;
    for (const wake of waiters) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = (async (): Promise<RunnerProcessExit> => {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    done = true;
    for (const wake of waiters) wake();
    return { code, signal, stdout, stderr };
  })();

  return {
    lines,
    exited,
    waitForLine: (match, what, timeoutMs = 20_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`runner process: no line "${what}" within ${timeoutMs} ms.\n${stdout}${stderr}`)), timeoutMs);
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) finish(undefined, found);
          else if (done) finish(new Error(`runner process exited before printing "${what}".\n${stdout}${stderr}`));
        };
        const finish = (error: Error | undefined, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(line ?? '');
        };
        waiters.add(check);
        check();
      }),
    results: () => lines.filter((line) => line.startsWith('{')).map((line) => RunnerProcessLineSchema.parse(JSON.parse(line))),
    send: (line) => {
      child.stdin.write(`${line}\n`);
    },
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

/** The process side: runs one command on a Runner built exactly as crewbot builds it. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const leaseTtlMs = z.coerce.number().int().positive().optional().parse(process.env.CREWBOT_LEASE_TTL_MS);
  const runtime = createRuntime(loadConfig(process.env, { dotenv: false }));
  // Runs advance only where this script says, so each advance is awaited and reported.
  const { runner, store } = await runtime.openRunner({ schedule: () => undefined, ...(leaseTtlMs ? { leaseTtlMs } : {}) });
  const eventsByRun = new Map<string, number>();
  runner.subscribe((run, event) => {
    eventsByRun.set(run.id, (eventsByRun.get(run.id) ?? 0) + 1);
    print(`event ${event.type} ${event.taskId ?? ''}`.trimEnd());
  });
  const report = (run: RunRecord) => printJson({ run, advanced: (eventsByRun.get(run.id) ?? 0) > 0 });
  const thread = process.env.CREWBOT_RUN_THREAD ? ThreadRefSchema.parse(JSON.parse(process.env.CREWBOT_RUN_THREAD)) : undefined;
  const stopDiscord = runtime.config.DISCORD_TOKEN
    ? (await import('../../src/chat/discord/outbound.ts')).startDiscordOutbound(runtime, runner, (text) => process.stderr.write(`${text}\n`))
    : undefined;

  if (process.env.CREWBOT_START_ON_STDIN === '1') {
    print('ready');
    await once(createInterface({ input: process.stdin }), 'line');
  }
  try {
    switch (command) {
      case 'kickoff': {
        const [crew, ...pairs] = rest;
        if (!crew) throw new Error('usage: kickoff <crew> [key=value...]');
        const inputs = Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
        const run = await runner.kickoff({ crew, inputs, requester: { platform: 'cli', userId: 'fault-test' }, ...(thread ? { thread } : {}) });
        if (!run) throw new Error('kickoff started no run');
        printJson({ runId: run.id });
        report(await runner.advance(run.id));
        break;
      }
      case 'advance': {
        const [runId] = rest;
        if (!runId) throw new Error('usage: advance <runId>');
        report(await runner.advance(runId));
        break;
      }
      case 'recover': {
        const recovered = await runner.recover();
        for (const run of await Promise.all(recovered.map((id) => runner.advance(id)))) report(run);
        printJson({ recovered });
        break;
      }
      default:
        throw new Error(`unknown command "${command ?? ''}": use kickoff, advance or recover`);
    }
  } finally {
    await stopDiscord?.();
    await runner.shutdown();
    await store.close();
  }
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function printJson(line: RunnerProcessLine): void {
  print(JSON.stringify(line));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await main(process.argv.slice(2));
    // Keep-alive sockets of the LLM client would otherwise hold the process open.
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  }
}
