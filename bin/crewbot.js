#!/usr/bin/env node
// The crewbot command. It runs the compiled build in dist/, which `npm install` makes (prepare).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  console.error('crewbot is not built yet: run `npm install` (or `npm run build`) in the crewbot folder first.');
  process.exit(2);
}
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
process.exit(await cli.main(process.argv.slice(2), undefined, controller.signal));
