import { describe, expect, it } from 'vitest';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

describe('built-in tools', () => {
  const tools = createBuiltinTools({});

  it('offers web_search and fetch_url under their own names', () => {
    expect(Object.keys(tools)).toEqual(expect.arrayContaining(['web_search', 'fetch_url']));
    for (const [key, tool] of Object.entries(tools)) {
      expect(tool.name).toBe(key);
      expect(tool.spec().parameters).toMatchObject({ type: 'object' });
    }
  });

  it("maps CrewAI's tool names onto built-in tools that exist", () => {
    expect(BUILTIN_TOOL_ALIASES).toEqual({ SerperDevTool: 'web_search', ScrapeWebsiteTool: 'fetch_url', HumanTool: 'ask_human' });
    for (const target of Object.values(BUILTIN_TOOL_ALIASES)) expect(tools[target]).toBeDefined();
  });

  it('passes the configuration through: no Serper key means web_search says how to get one', async () => {
    await expect(
      tools.web_search?.invoke('{"query":"q"}', { runId: 'r', taskId: 't', agentRole: 'a' }),
    ).rejects.toThrow('web_search needs SERPER_API_KEY');
  });

  it('keeps fetch_url on public addresses unless private ones are allowed', async () => {
    await expect(
      tools.fetch_url?.invoke('{"url":"http://127.0.0.1:9/"}', { runId: 'r', taskId: 't', agentRole: 'a' }),
    ).rejects.toThrow('Refusing to fetch http://127.0.0.1:9/');
  });
});
