import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CrewFileError } from '../../src/crews/errors.ts';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { loadLocalTools } from '../../src/crews/localTools.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };
const context = { runId: 'run-1', taskId: 'stock_task', agentRole: 'Inventory clerk' };
const output = (raw: string) => ({ taskId: 'stock_task', agent: 'Inventory clerk', description: 'd', raw, usage: { llmCalls: 1, promptTokens: 1, completionTokens: 1 } });

describe("a crew's own tools.ts", () => {
  it('provides tools that agents and tasks name next to the built-in ones', async () => {
    const crew = await loadCrew('test/fixtures/crews/local_tools', options);
    const [stockTask, summaryTask] = crew.spec.tasks;
    const clerk = crew.spec.agents[0];

    expect(clerk?.tools.map((tool) => tool.name)).toEqual(['check_stock', 'web_search']);
    expect(await clerk?.tools[0]?.invoke('{"sku":"SKU-1"}', context)).toBe('12');
    expect(summaryTask?.tools?.map((tool) => [tool.name, tool.requiresApproval])).toEqual([['reorder', true]]);
    expect(stockTask?.tools).toBeUndefined();
  });

  it('provides guardrail and callback functions that tasks name', async () => {
    const crew = await loadCrew('test/fixtures/crews/local_tools', options);
    const [stockTask, summaryTask] = crew.spec.tasks;
    const guardrail = stockTask?.guardrail;
    if (typeof guardrail !== 'function') throw new Error('stock_task has no guardrail function');

    expect(await guardrail(output('There are 12 of SKU-1.'))).toEqual({ ok: true });
    expect(await guardrail(output('There are 12.'))).toEqual({ ok: false, feedback: 'Name the SKU in the answer.' });
    // A sentence is a rule for an LLM, not a function name.
    expect(summaryTask?.guardrail).toBe('The summary must be one sentence and mention the SKU.');

    await stockTask?.callback?.(output('12 of SKU-1'));
    const module: { recorded: string[] } = await import(pathToFileURL(path.resolve('test/fixtures/crews/local_tools/tools.ts')).href);
    expect(module.recorded).toContain('12 of SKU-1');
  });

  it('says what a guardrail should return when it returns something else', async () => {
    const { local } = await loadLocalTools(path.resolve('test/fixtures/crews/local_tools'));

    await expect(local.guardrails.get('wrong_shape')?.(output('x'))).rejects.toThrow(
      'tools.ts guardrails.wrong_shape returned {"passed":true}; return { ok: true } or { ok: false, feedback: "what to fix" }',
    );
  });

  it('reports exports that are not tools, missing functions, and unknown tool names with what is available', async () => {
    const error = await loadCrew('test/fixtures/crews/bad_local_tools', options).catch((thrown: unknown) => thrown);
    if (!(error instanceof CrewFileError)) throw error;

    expect(error.problems).toEqual([
      { file: 'tools.ts', path: 'tools[1]', message: "is not a tool: make it with defineTool from 'crewbot/tools'" },
      { file: 'tools.ts', path: 'guardrails.is_number', message: 'is not a function' },
      { file: 'agents.yaml', path: 'clerk.tools', message: '"check_stok" is not a tool; did you mean check_stock? available: check_stock (tools.ts); web_search, fetch_url, ask_human (built in)' },
      {
        file: 'tasks.yaml',
        path: 'stock_task.guardrail',
        message: '"mentions_sku" is not a function in the guardrails export of tools.ts (it has none); export it there, or write the guardrail as a sentence for an LLM to check',
      },
      { file: 'tasks.yaml', path: 'stock_task.callback', message: '"notify_team" is not a function in the callbacks export of tools.ts (it has none); export it there' },
    ]);
  });

  it('that fails to import is reported with its error', async () => {
    const error = await loadCrew('test/fixtures/crews/failing_tools_module', options).catch((thrown: unknown) => thrown);
    if (!(error instanceof CrewFileError)) throw error;

    expect(error.problems).toEqual([{ file: 'tools.ts', path: '', message: 'could not be loaded: WAREHOUSE_URL is not set' }]);
  });
});
