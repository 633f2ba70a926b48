import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../support/runCli.ts';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';

const CREWS = path.resolve('test/fixtures/tool-crews');
const NO_KEY = 'web_search needs SERPER_API_KEY; set it in .env (get a key at https://serper.dev)';

interface ResultJson {
  runId: string;
  status: string;
  toolErrors: Array<{ tool: string; failed: number; calls: number; lastError: string }>;
}

describe('tools that cannot work, said up front and counted when they fail', () => {
  let cli: CliEnvironment;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
  });
  afterAll(() => cli.close());
  beforeEach(() => {
    cli.server.requests.length = 0;
  });

  it('list, start and validate name the crews whose tools lack configuration and what to set; a key set silences it', async () => {
    const list = await runCli(['list'], cli.env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`warning: test/fixtures/tool-crews/searcher/agents.yaml: researcher.tools: ${NO_KEY}`);
    expect(list.stdout).toContain(
      'warning: test/fixtures/tool-crews/helper/crew.yaml: MCP server "notes": command "crewbot-notes-server-not-installed" is not found on PATH',
    );
    expect(list.stdout).toContain('warning: test/fixtures/tool-crews/helper/crew.yaml: MCP server "notes": NOTES_TOKEN uses ${NOTES_TOKEN}, which is not set; set it in the environment or .env');
    const plain = list.stdout.slice(list.stdout.indexOf('plain —'), list.stdout.indexOf('searcher —'));
    expect(plain).not.toContain('warning');

    const json = JSON.parse((await runCli(['list', '--json'], cli.env)).stdout) as Array<{ name: string; setupWarnings?: string[] }>;
    expect(json.find((crew) => crew.name === 'searcher')?.setupWarnings).toEqual([`test/fixtures/tool-crews/searcher/agents.yaml: researcher.tools: ${NO_KEY}`]);
    expect(json.find((crew) => crew.name === 'plain')).not.toHaveProperty('setupWarnings');

    const validate = await runCli(['validate', 'searcher'], cli.env);
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain(`warning: test/fixtures/tool-crews/searcher/agents.yaml: researcher.tools: ${NO_KEY}`);

    // `npm start` without a terminal lists the crews the same way, warnings included.
    const start = await runCli(['start'], cli.env);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain(`warning: test/fixtures/tool-crews/searcher/agents.yaml: researcher.tools: ${NO_KEY}`);

    const withKey = await runCli(['list'], { ...cli.env, SERPER_API_KEY: 'serper-test-key-123456' });
    expect(withKey.stdout).not.toContain('SERPER_API_KEY');
  });

  it('run warns on stderr before it starts, never in the --json stdout', async () => {
    cli.server.setDefault({ content: 'Noted.' });
    const result = await runCli(['run', 'helper', '--json'], { ...cli.env, NOTES_TOKEN: 'notes-token-123456' });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('MCP server "notes": command "crewbot-notes-server-not-installed" is not found on PATH');
    // The token is set here, so only the command is missing.
    expect(result.stderr).not.toContain('NOTES_TOKEN');
    expect(result.stderr.indexOf('warning:')).toBeLessThan(result.stderr.indexOf('started.'));
    expect(result.stdout).not.toContain('warning');
    expect((lastJsonLine(result.stdout) as ResultJson).status).toBe('completed');
    cli.server.setDefault(undefined);
  });

  it('a run whose tool fails on every call completes saying so, and the counts carry across a resume', async () => {
    const search = (query: string) => ({ toolCalls: [{ name: 'web_search', arguments: { query } }] });
    cli.server.enqueue(search('tides news'), search('tides 2026'), { content: 'Three findings.' });
    const first = await runCli(['run', 'searcher', '--json'], cli.env);

    expect(first.code).toBe(10);
    const waiting = lastJsonLine(first.stdout) as ResultJson;
    expect(waiting.toolErrors).toEqual([{ tool: 'web_search', failed: 2, calls: 2, lastError: `${NO_KEY}.` }]);
    expect(first.stderr).toContain(`! web_search: ${NO_KEY}.`);

    // Another process continues the run: its counts start from what the run's log holds.
    cli.server.enqueue(search('tides paragraph'), { content: 'A paragraph about tides.' });
    const resumed = await runCli(['resume', waiting.runId, '--approve', '--json'], cli.env);

    expect(resumed.code).toBe(0);
    const done = lastJsonLine(resumed.stdout) as ResultJson;
    expect(done.status).toBe('completed');
    expect(done.toolErrors).toEqual([{ tool: 'web_search', failed: 3, calls: 3, lastError: `${NO_KEY}.` }]);
    expect(resumed.stderr).toContain('searcher: completed — web_search failed 3 of 3 calls');
    expect(resumed.stderr).toContain(`Run ${waiting.runId} completed — web_search failed 3 of 3 calls`);
    expect(resumed.stderr).toContain(`  ! web_search failed 3 of 3 calls — last error: ${NO_KEY}.`);

    const shown = JSON.parse((await runCli(['show', waiting.runId, '--json'], cli.env)).stdout) as ResultJson;
    expect(shown.toolErrors).toEqual(done.toolErrors);
    const waited = await runCli(['wait', waiting.runId, '--json'], cli.env);
    expect((lastJsonLine(waited.stdout) as ResultJson).toolErrors).toEqual(done.toolErrors);
    expect((await runCli(['show', waiting.runId], cli.env)).stdout).toContain(`Tool errors:\n  ! web_search failed 3 of 3 calls — last error: ${NO_KEY}.`);
  });

  it("a broken tools.ts tool: its last error is kept redacted and short", async () => {
    cli.server.enqueue({ toolCalls: [{ name: 'lookup_order', arguments: { id: 'A-1' } }] }, { content: 'I could not look it up.' });
    const result = await runCli(['run', 'leaky', '--json'], cli.env);

    expect(result.code).toBe(0);
    const [failure] = (lastJsonLine(result.stdout) as ResultJson).toolErrors;
    expect(failure).toMatchObject({ tool: 'lookup_order', failed: 1, calls: 1 });
    expect(failure?.lastError).toMatch(/^orders API refused Authorization: Bearer \[redacted\]; the request trace goes on\./);
    expect(failure?.lastError.length).toBe(300);
    expect(failure?.lastError.endsWith('…')).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(cli.env['OPENAI_API_KEY']);
    expect(result.stderr).toContain('leaky: completed — lookup_order failed 1 of 1 call');
  });

  it('a run whose tools never failed has an empty toolErrors', async () => {
    cli.server.enqueue({ content: 'Tides rise twice a day.' });
    const result = await runCli(['run', 'plain', '--json'], cli.env);

    expect(result.code).toBe(0);
    expect((lastJsonLine(result.stdout) as ResultJson).toolErrors).toEqual([]);
    expect(result.stderr).not.toContain('failed');
  });
});
