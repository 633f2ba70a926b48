import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { Crew } from '../../src/engine/crew.ts';
import { startScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };
const toolNames = (tools: Array<{ name: string }> | undefined) => tools?.map((tool) => tool.name);

describe('the seed crews in crews/', () => {
  it('research_writer: a researcher with web tools hands notes to a writer', async () => {
    const crew = await loadCrew('research_writer', options);

    expect(crew.warnings).toEqual([]);
    expect(crew.spec.name).toBe('research_writer');
    expect(crew.spec.process).toBe('sequential');
    expect(crew.spec.agents.map((agent) => [agent.id, toolNames(agent.tools)])).toEqual([
      ['researcher', ['web_search', 'fetch_url']],
      ['writer', []],
    ]);
    expect(crew.spec.tasks.map((task) => [task.id, task.agent, task.context])).toEqual([
      ['research_task', 'researcher', undefined],
      ['write_task', 'writer', ['research_task']],
    ]);
    expect(crew.inputs).toEqual({
      topic: { description: expect.any(String), required: true, default: undefined },
      audience: { description: expect.any(String), required: false, default: 'engineers' },
    });
    expect(crew.spec.inputs).toEqual(crew.inputs);
  });

  it('customer_support: triage as JSON, a crew-local knowledge base search, a reply a person approves', async () => {
    const crew = await loadCrew('customer_support', options);

    expect(crew.warnings).toEqual([]);
    const [categorize, retrieve, draft] = crew.spec.tasks;
    expect(categorize?.outputSchema?.name).toBe('categorize_task_output');
    expect(categorize?.outputSchema?.zod.safeParse({ category: 'billing', urgency: 'high', summary: 'Charged twice.' }).success).toBe(true);
    expect(categorize?.outputSchema?.zod.safeParse({ category: 'refund', urgency: 'high', summary: 'Charged twice.' }).success).toBe(false);
    expect(retrieve?.context).toEqual(['categorize_task']);
    expect(draft?.humanInput).toBe(true);
    expect(Object.keys(crew.inputs)).toEqual(['ticket']);

    const retriever = crew.spec.agents.find((agent) => agent.id === 'retriever');
    const search = retriever?.tools[0];
    expect(search?.name).toBe('search_knowledge_base');
    const found = await search?.invoke(JSON.stringify({ query: 'charged twice duplicate charge refund' }), { runId: 'r', taskId: 'retrieve_task', agentRole: 'retriever' });
    expect(found?.split('\n')[0]).toBe('KB-202 — Refunds and duplicate charges');
  });

  it('product_development: a hierarchical team that redesigns while QA fails, at most twice', async () => {
    const crew = await loadCrew('product_development', options);

    expect(crew.warnings).toEqual([]);
    expect(crew.spec.process).toBe('hierarchical');
    // The manager uses OPENAI_MODEL like everyone else, so the crew runs on a server with one model.
    expect(crew.spec.managerLlm).toBeUndefined();
    expect(crew.spec.agents.map((agent) => agent.id)).toEqual(['product_manager', 'designer', 'engineer', 'qa_engineer']);
    expect(crew.spec.tasks.map((task) => task.id)).toEqual(['spec_task', 'design_task', 'build_task', 'qa_review_task']);
    const loop = crew.spec.tasks[3]?.loop;
    expect(loop).toEqual({ backTo: 'design_task', while: { task: 'qa_review_task', matches: 'verdict:\\s*fail' }, max: 2 });
    // The engine applies the pattern case-insensitively.
    const pattern = new RegExp(loop?.while && 'matches' in loop.while ? loop.while.matches : '^$', 'i');
    expect(pattern.test('R1 fails.\nVerdict: FAIL')).toBe(true);
    expect(pattern.test('All good.\nVerdict: PASS')).toBe(false);
    expect(Object.keys(crew.inputs)).toEqual(['idea']);
  });

  it('market_scan: four analysts at once, then a synthesis of all four', async () => {
    const crew = await loadCrew('market_scan', options);

    expect(crew.warnings).toEqual([]);
    // Without SERPER_API_KEY the four searching analysts are named in one warning that says what to set.
    expect(crew.setupWarnings).toEqual([
      'crews/market_scan/agents.yaml: competitor_analyst.tools, pricing_analyst.tools, customer_researcher.tools, trend_analyst.tools: web_search needs SERPER_API_KEY; set it in .env (get a key at https://serper.dev)',
    ]);
    expect((await loadCrew('market_scan', { ...options, builtinTools: createBuiltinTools({ serperApiKey: 'serper-key-123456' }) })).setupWarnings).toEqual([]);
    expect(crew.spec.process).toBe('parallel');
    expect(crew.spec.maxConcurrency).toBe(4);
    const analyses = crew.spec.tasks.slice(0, 4);
    expect(analyses.map((task) => task.id)).toEqual(['competitors_task', 'pricing_task', 'customers_task', 'trends_task']);
    expect(analyses.every((task) => task.context === undefined)).toBe(true);
    expect(crew.spec.tasks[4]?.context).toEqual(['competitors_task', 'pricing_task', 'customers_task', 'trends_task']);
    expect(Object.keys(crew.inputs)).toEqual(['market']);
  });

  it('ticket_router: its own process routes an urgent ticket to escalation and acknowledgement side by side', async () => {
    const crew = await loadCrew('ticket_router', options);
    expect(crew.warnings).toEqual([]);
    expect(crew.spec.process).toBe('custom');

    const server = await startScriptedOpenAI();
    try {
      server.on((req) => (req.lastUser.includes('Triage this ticket') ? { content: 'URGENT: the dashboard is down for everyone.' } : undefined));
      server.setDefault({ content: 'done' });
      const output = await new Crew(crew.spec).kickoff({ ticket: 'Dashboard returns 500 since 9:00' }, { llm: llmFor(server) });
      expect(output.tasks.map((task) => task.taskId).sort()).toEqual(['escalate_task', 'notify_task', 'triage_task']);
      expect(server.requests).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('every seed crew runs on the configured model: none names a model of its own', async () => {
    const names = (await readdir('crews', { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(names.length).toBeGreaterThanOrEqual(7);
    for (const name of names) {
      const { spec } = await loadCrew(name, options);
      const named = [spec.managerLlm, spec.planningLlm, ...spec.agents.map((agent) => agent.llm)].filter((model) => model !== undefined);
      expect(named, name).toEqual([]);
    }
  });
});
