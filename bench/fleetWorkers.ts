import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A `crewbot worker --concurrency 8` process of the fleet benches, with only the environment given. */
export function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, 'bin', 'crewbot.js'), 'worker', '--concurrency', '8'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Resolves once the worker says it is advancing runs; rejects with what it printed if it exits first. */
export async function workerReady(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('crewbot worker: advancing')) resolve();
    });
    child.once('exit', () => reject(new Error(`worker exited:\n${text}`)));
  });
}
