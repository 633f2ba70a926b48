import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CREWBOT_BIN = path.join(ROOT, 'bin', 'crewbot.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `crewbot` command in a child process with only the environment given (plus PATH).
 * `input` is piped to its stdin and then closed; without it stdin is ignored.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  options: {
    cwd?: string;
    timeoutMs?: number;
    input?: string;
    script?: string;
    /** Sends SIGINT (Ctrl-C) once, as soon as stderr so far satisfies this. */
    interruptWhen?: (stderr: string) => boolean;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // `script`: crewbot started under another path (a `crewbot` link on PATH, as npm link makes).
    const child = spawn(process.execPath, [options.script ?? CREWBOT_BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // No input: stdin closes at once, as an ignored one would read.
    child.stdin.end(options.input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let interrupted = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && options.interruptWhen?.(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line);
}

export interface CliProcess {
  /** stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains `text`; rejects if the process exits first or `timeoutMs` passes. */
  waitForStderr(text: string, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** Starts a long-running `crewbot` command (a worker, a server) in a child process. */
export function startCli(args: string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [CREWBOT_BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const wakers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const wake of wakers) wake();
  });
  let done = false;
  const exited = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      done = true;
      for (const wake of wakers) wake();
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    stderr: () => stderr,
    exited,
    kill: (signal) => void child.kill(signal),
    waitForStderr: (text, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no "${text}" on stderr within ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
        const check = () => {
          if (stderr.includes(text)) finish();
          else if (done) finish(new Error(`exited before printing "${text}":\n${stderr}`));
        };
        const finish = (error?: Error) => {
          clearTimeout(timer);
          wakers.delete(check);
          if (error) reject(error);
          else resolve();
        };
        wakers.add(check);
        check();
      }),
  };
}
