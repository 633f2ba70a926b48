#!/usr/bin/env node
// The crewbot command. It runs the bundled build in dist/bundle/, which `npm install` makes (prepare).
import { setFlagsFromString } from 'node:v8';

// Node 20's fetch (which the model client uses) parses HTTP with a WebAssembly module that V8 then
// recompiles with its optimising compiler in the background: about 25 MB more peak memory for a
// parser that reads a few responses. Its baseline compiler alone is plenty. Node 22 and later do
// not pay this, and keep their defaults.
if (process.versions.node.startsWith('20.')) setFlagsFromString('--liftoff-only');

let cli;
try {
  cli = await import('../dist/bundle/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bundle/cli.js')) throw error;
  console.error('crewbot is not built yet: run `npm install` (or `npm run build`) in the crewbot folder first.');
  process.exit(2);
}
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
process.exit(await cli.main(process.argv.slice(2), undefined, controller.signal));
