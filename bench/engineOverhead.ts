import { z } from 'zod';
import { Crew } from '../src/engine/crew.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { defineTool } from '../src/tools/defineTool.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

/**
 * Engine time per LLM step against a zero-latency in-process model: each step is an LLM call that
 * asks for a tool, the tool result, and a checkpoint that serializes the whole RunState.
 */
export async function engineOverhead(stepsPerTask = 20, tasks = 10, rounds = 5): Promise<{ msPerStep: number; steps: number }> {
  const echo = defineTool({ name: 'echo', description: 'Echo', parameters: z.object({ n: z.number() }), run: ({ n }) => `echo ${n}` });
  const spec = crew({
    agents: [agent('worker', { tools: [echo], maxIter: stepsPerTask + 5 })],
    tasks: Array.from({ length: tasks }, (_, i) => task(`t${i}`, { agent: 'worker', description: `Task number ${i}. `.repeat(20) })),
  });
  const run = async () => {
    let calls = 0;
    const llm = new ScriptedLlm((request) => {
      calls += 1;
      const steps = request.messages.filter((m) => m.role === 'assistant').length;
      return steps < stepsPerTask - 1
        ? { toolCalls: [{ name: 'echo', arguments: { n: steps } }], promptTokens: 100, completionTokens: 10 }
        : { content: `done after ${steps} steps`, promptTokens: 100, completionTokens: 10 };
    });
    let bytes = 0;
    await new Crew(spec).kickoff({}, { llm, checkpoint: (state) => void (bytes += JSON.stringify(state).length) });
    return { calls, bytes };
  };
  await run(); // warm up the JIT
  const started = performance.now();
  let steps = 0;
  for (let i = 0; i < rounds; i += 1) steps += (await run()).calls;
  const elapsed = performance.now() - started;
  return { msPerStep: elapsed / steps, steps };
}
