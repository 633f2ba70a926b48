import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { writeCrew } from '../support/crewFiles.ts';
import { everythingOverStdio } from '../support/mcpServers.ts';
import { CREWBOT_BIN, runCli } from '../support/runCli.ts';

describe('crewbot tools and crewbot mcp', () => {
  let work: string;
  let cli: CliEnvironment;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'crewbot-mcp-cli-'));
    cli = await startCliEnvironment(path.join(work, 'crews'));
  });
  afterEach(async () => {
    await cli.close();
    await rm(work, { recursive: true, force: true });
  });

  it('crewbot tools lists each agent’s tools by source; --check says which MCP server answers', async () => {
    await writeCrew(path.join(work, 'crews'), 'mixed', {
      agents: {
        researcher: { role: 'Researcher', goal: 'Find', backstory: 'You search.', tools: ['SerperDevTool', 'everything.echo'] },
        filer: { role: 'Filer', goal: 'File', backstory: 'You file.', tools: ['broken'] },
      },
      tasks: { find: { description: 'Find it.', expected_output: 'Notes.', agent: 'researcher' } },
      crew: { mcp_servers: { everything: everythingOverStdio(work, 'everything').entry, broken: { command: path.join(work, 'no-such-server') } } },
    });
    const listed = await runCli(['tools', 'mixed'], cli.env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('researcher (Researcher)\n  web_search (built in)\n  echo from MCP server everything');
    expect(listed.stdout).toContain('filer (Filer)\n  all tools of MCP server broken');

    const checked = await runCli(['tools', 'mixed', '--check'], cli.env, { timeoutMs: 60_000 });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('echo from MCP server everything — answers: echo');
    expect(checked.stdout).toMatch(/all tools of MCP server broken — DOES NOT ANSWER: MCP server "broken" is not reachable/);
  });

  it('crewbot mcp serves each crew as a tool whose parameters are its inputs, and runs it for an MCP client', async () => {
    await writeCrew(path.join(work, 'crews'), 'haiku', {
      agents: { poet: { role: 'Poet', goal: 'Write haiku', backstory: 'You write.' } },
      tasks: { write: { description: 'Write a haiku about {topic}.', expected_output: 'A haiku.', agent: 'poet' } },
      crew: { description: 'Writes a haiku', inputs: { topic: { description: 'What the haiku is about' } } },
    });
    await writeCrew(path.join(work, 'crews'), 'reviewed', {
      agents: { poet: { role: 'Poet', goal: 'Write haiku', backstory: 'You write.' } },
      tasks: { write: { description: 'Write a haiku.', expected_output: 'A haiku.', agent: 'poet', human_input: true } },
    });
    cli.server.on((req) => (req.lastUser.includes('tides') ? { content: 'Moon pulls the water' } : { content: 'A draft haiku' }));

    const client = new Client({ name: 'test-ide', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [CREWBOT_BIN, 'mcp'], env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...cli.env }, stderr: 'ignore' }));
    try {
      const { tools } = await client.listTools();
      const haiku = tools.find((tool) => tool.name === 'haiku');
      expect(haiku).toMatchObject({ description: 'Writes a haiku', inputSchema: { properties: { topic: { type: 'string', description: 'What the haiku is about' } }, required: ['topic'] } });

      const done = await client.callTool({ name: 'haiku', arguments: { topic: 'tides' } });
      expect(done.isError).toBe(false);
      expect(done.content).toEqual([{ type: 'text', text: 'Moon pulls the water' }]);

      const waiting = await client.callTool({ name: 'reviewed', arguments: {} });
      const text = (waiting.content as Array<{ text: string }>)[0]!.text;
      expect(text).toMatch(/^Run (\S+) is waiting for a person:/);
      const runId = /^Run (\S+)/.exec(text)![1]!;
      expect(text).toContain(`crewbot resume ${runId} --request `);
      expect(waiting.structuredContent).toMatchObject({ status: 'awaiting_input', pending: [{ kind: 'review' }] });
    } finally {
      await client.close();
    }
  });
});
