import { execFile } from 'node:child_process';
import { readdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Written by every build (tsconfig.build.json); its age is the build's age. */
const BUILD_STAMP = path.join(ROOT, 'dist', '.tsbuildinfo');
/** What the command runs: the compiled build bundled (scripts/bundleCli.js). */
const BUNDLE = path.join(ROOT, 'dist', 'bundle', 'cli.js');

/**
 * Vitest global setup: the suites spawn the real `crewbot` command, which runs the compiled
 * build. `npm install` makes it; after a source edit it is remade here (once per test run).
 */
export default async function freshBuild(): Promise<void> {
  const built = await stat(BUILD_STAMP).then((s) => s.mtimeMs, () => 0);
  const bundled = await stat(BUNDLE).then(() => true, () => false);
  if (bundled && built > 0 && (await newestSource(path.join(ROOT, 'src'))) <= built) return;
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT });
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'bundleCli.js')], { cwd: ROOT });
  } catch (error) {
    const output = error instanceof Error && 'stdout' in error ? String(error.stdout) : String(error);
    throw new Error(`npm run build failed, so the crewbot command cannot be tested:\n${output}`);
  }
  // An incremental build that found nothing to change leaves the stamp as it was.
  const now = new Date();
  await utimes(BUILD_STAMP, now, now);
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const { mtimeMs } = await stat(path.join(entry.parentPath, entry.name));
    newest = Math.max(newest, mtimeMs);
  }
  return newest;
}
