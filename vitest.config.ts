import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Several suites start real child processes (the crewbot command, crash tests); on a
    // two-core machine under a full run one of those takes seconds.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
