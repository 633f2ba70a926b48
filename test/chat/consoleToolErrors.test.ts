import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';
import { consoleRunner, runSession } from './consoleDriver.ts';

const TOOL_CREWS = path.resolve('test/fixtures/tool-crews');
const NO_KEY = 'web_search needs SERPER_API_KEY; set it in .env (get a key at https://serper.dev)';

describe('the terminal session: tools that fail', () => {
  let h: RunnerHarness;
  beforeEach(async () => {
    h = await startRunnerHarness(TOOL_CREWS);
  });
  afterEach(async () => {
    await h.close();
  });

  it('warns in the crew list and at kickoff, shows the failures as they add up, and heads the result with them', async () => {
    const search = (query: string) => ({ toolCalls: [{ name: 'web_search', arguments: { query } }] });
    h.server.enqueue(search('tides'), { content: 'Three findings.' }, search('tides paragraph'), { content: 'A paragraph about tides.' });
    const { code, output } = await runSession(consoleRunner(h), TOOL_CREWS, ['searcher', 'approve', 'quit']);

    expect(code).toBe(0);
    // The list the session opens with, and the kickoff, both say what to set.
    expect(output).toMatch(new RegExp(`^\\d\\. searcher — .*\\n(\\s+.*\\n)*\\s+warning: \\S*searcher/agents\\.yaml: researcher\\.tools: ${escaped(NO_KEY)}`, 'm'));
    expect(output).toContain(`crewbot> searcher\nwarning: `);
    expect(output).toContain(`  ! web_search: ${NO_KEY}.`);
    // The review's checklist already counts the first failure; the end counts both.
    expect(output).toContain('searcher: awaiting_input — web_search failed 1 of 1 call');
    expect(output).toMatch(/searcher: completed — web_search failed 2 of 2 calls · \d+s/);
    expect(output).toContain(`  ! web_search failed 2 of 2 calls — last error: ${NO_KEY}.`);
    expect(output).toContain('Result (completed — web_search failed 2 of 2 calls):\nA paragraph about tides.');
  });
});

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
