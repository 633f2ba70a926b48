import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The part of esbuild's metafile we read: which input files went into each output file. */
const MetafileSchema = z.object({
  outputs: z.record(z.string(), z.object({ inputs: z.record(z.string(), z.unknown()) })),
});

/**
 * What a `crewbot` process really loaded, given the URLs it resolved: a bundle chunk stands for
 * every file bundled into it (e.g. `node_modules/openai/client.mjs`, `dist/cli/listCommand.js`),
 * other files for themselves. Paths are relative to the checkout, with forward slashes.
 */
export async function loadedModules(urls: readonly string[]): Promise<string[]> {
  const meta = MetafileSchema.parse(JSON.parse(await readFile(path.join(ROOT, 'dist', 'bundle', 'meta.json'), 'utf8')));
  const modules = new Set<string>();
  for (const url of urls) {
    if (!url.startsWith('file:')) continue;
    const relative = path.relative(ROOT, fileURLToPath(url)).split(path.sep).join('/');
    const bundled = meta.outputs[relative];
    if (bundled) for (const input of Object.keys(bundled.inputs)) modules.add(input);
    else modules.add(relative);
  }
  return [...modules];
}
