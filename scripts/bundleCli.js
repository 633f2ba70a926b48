#!/usr/bin/env node
// Bundles the compiled `crewbot` command (dist/cli.js) into dist/bundle/, which bin/crewbot.js runs.
//
// Why: a command that starts as ~400 separate modules spends about a third of its start-up
// finding, reading and compiling files one by one. Bundled, `crewbot list` and `crewbot run`
// read a handful of files. Each command stays lazily loaded: esbuild splits every dynamic
// import() into its own chunk, so `list` still never loads the model SDK.
//
// Bundled: crewbot itself and the small pure-JavaScript packages most commands load. Left as
// packages: native modules, the chat surfaces, the queue, store clients, MCP, the tracing SDK and
// the TypeScript loader. They are loaded only by the commands that use them, some have optional
// native parts, and a crew's own code may share them with crewbot.
//
// The bundle's metafile (dist/bundle/meta.json) says which packages each chunk holds, so tests can
// check what a command loaded.
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE_DIR = path.join(ROOT, 'dist', 'bundle');

/** The packages copied into the bundle; every other dependency stays an import of node_modules. */
const BUNDLED = new Set(['zod', 'yaml', 'openai', '@opentelemetry/api', 'croner', 'dotenv', 'ipaddr.js', 'minisearch', 'ms']);

export async function bundleCli() {
  const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const external = Object.keys(manifest.dependencies).filter((name) => !BUNDLED.has(name));
  await rm(BUNDLE_DIR, { recursive: true, force: true });
  const result = await build({
    entryPoints: [path.join(ROOT, 'dist', 'cli.js')],
    outdir: BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    // Packages still imported from node_modules, and their subpaths (`tsx/esm/api`).
    external: external.flatMap((name) => [name, `${name}/*`]),
    // Bundled CommonJS packages (yaml) call require() for Node's own modules.
    banner: { js: "import { createRequire as crewbotCreateRequire } from 'node:module'; const require = crewbotCreateRequire(import.meta.url);" },
    // Maps back to dist/ for --enable-source-maps, without copies of the sources.
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    write: true,
    logLevel: 'warning',
  });
  await writeFile(path.join(BUNDLE_DIR, 'meta.json'), JSON.stringify(result.metafile));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundleCli();
