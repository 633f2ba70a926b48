#!/usr/bin/env node
// The crewbot command. Crews may ship TypeScript tools, so the CLI runs through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
process.exit(await main(process.argv.slice(2), undefined, controller.signal));
