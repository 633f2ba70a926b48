import { z } from 'zod';
import { Crew } from '../src/engine/crew.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { defineTool } from '../src/tools/defineTool.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

/**
 * What respect_context_window costs per LLM step when nothing needs summarising: the size of the
 * conversation is estimated before every call. Compares a model whose window is known (the check
 * runs) with one that is not (it does not), on conversations that grow by a 4,000-character tool
 * result per step.
 */
export async function contextWindowCheck(stepsPerTask = 20, tasks = 5, rounds = 5): Promise<{ checkedMsPerStep: number; uncheckedMsPerStep: number }> {
  const page = defineTool({
    name: 'page',
    description: 'Read a page',
    parameters: z.object({ n: z.number() }),
    run: ({ n }) => `page ${n}: ${'lorem ipsum '.repeat(333)}`,
  });
  const measure = async (model: string) => {
    const spec = crew({
      agents: [agent('reader', { llm: model, tools: [page], maxIter: stepsPerTask + 5 })],
      tasks: Array.from({ length: tasks }, (_, i) => task(`t${i}`, { agent: 'reader' })),
    });
    const run = async () => {
      let calls = 0;
      const llm = new ScriptedLlm((request) => {
        calls += 1;
        const steps = request.messages.filter((m) => m.role === 'assistant').length;
        return steps < stepsPerTask - 1 ? { toolCalls: [{ name: 'page', arguments: { n: steps } }] } : { content: 'done' };
      });
      await new Crew(spec).kickoff({}, { llm });
      return calls;
    };
    await run(); // warm up the JIT
    const started = performance.now();
    let steps = 0;
    for (let i = 0; i < rounds; i += 1) steps += await run();
    return (performance.now() - started) / steps;
  };
  return { checkedMsPerStep: await measure('gpt-4o-mini'), uncheckedMsPerStep: await measure('unlisted-model') };
}
