import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests (and crews' tools.ts loaded by them) import the package by name from its sources;
    // the crewbot processes they spawn run the compiled build, as installed users do.
    alias: [
      { find: /^crewbot$/, replacement: source('./src/index.ts') },
      { find: /^crewbot\/testing$/, replacement: source('./src/testing/index.ts') },
      { find: /^crewbot\/tools$/, replacement: source('./src/tools/defineTool.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The spawned `crewbot` command runs dist/: rebuilt first when a source file is newer.
    globalSetup: ['test/support/freshBuild.ts'],
    // Several suites start real child processes (the crewbot command, crash tests); on a
    // two-core machine under a full run one of those takes seconds.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
