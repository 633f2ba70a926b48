import { z } from 'zod';
import { Crew } from '../src/engine/crew.ts';
import type { CrewEvent } from '../src/engine/events.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { defineTool } from '../src/tools/defineTool.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

export interface EngineOverheadOptions {
  /** Characters of text the model writes with each step (besides its tool call). */
  textChars?: number;
  /** Streams that text in pieces of this many characters (an llm_stream_chunk event each); unstreamed when absent. */
  streamChunkChars?: number;
}

/**
 * Engine time per LLM step against a zero-latency in-process model: each step is an LLM call that
 * asks for a tool, the tool result, and a checkpoint that serializes the whole RunState. Every
 * event goes to a listener, as the runner's does.
 */
export async function engineOverhead(
  stepsPerTask = 20,
  tasks = 10,
  rounds = 5,
  options: EngineOverheadOptions = {},
): Promise<{ msPerStep: number; cpuMsPerStep: number; steps: number; chunks: number }> {
  const text = 'The tide rises and falls twice a day. '.repeat(Math.ceil((options.textChars ?? 0) / 38)).slice(0, options.textChars ?? 0);
  const echo = defineTool({ name: 'echo', description: 'Echo', parameters: z.object({ n: z.number() }), run: ({ n }) => `echo ${n}` });
  const spec = crew({
    agents: [agent('worker', { tools: [echo], maxIter: stepsPerTask + 5 })],
    tasks: Array.from({ length: tasks }, (_, i) => task(`t${i}`, { agent: 'worker', description: `Task number ${i}. `.repeat(20) })),
  });
  const run = async () => {
    let calls = 0;
    let chunks = 0;
    const llm = new ScriptedLlm(
      (request) => {
        calls += 1;
        const steps = request.messages.filter((m) => m.role === 'assistant').length;
        return steps < stepsPerTask - 1
          ? { content: text || null, toolCalls: [{ name: 'echo', arguments: { n: steps } }], promptTokens: 100, completionTokens: 10 }
          : { content: `${text}done after ${steps} steps`, promptTokens: 100, completionTokens: 10 };
      },
      options.streamChunkChars ? { streamChunkChars: options.streamChunkChars } : {},
    );
    let bytes = 0;
    const onEvent = (event: CrewEvent) => {
      if (event.type === 'llm_stream_chunk') chunks += 1;
    };
    await new Crew(spec).kickoff({}, { llm, onEvent, checkpoint: (state) => void (bytes += JSON.stringify(state).length) });
    return { calls, bytes, chunks };
  };
  await run(); // warm up the JIT
  const started = performance.now();
  // CPU time as well: on a shared machine wall time measures the neighbours as much as the engine.
  const cpu = process.cpuUsage();
  let steps = 0;
  let chunks = 0;
  for (let i = 0; i < rounds; i += 1) {
    const round = await run();
    steps += round.calls;
    chunks += round.chunks;
  }
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { msPerStep: elapsed / steps, cpuMsPerStep: (used.user + used.system) / 1000 / steps, steps, chunks };
}
