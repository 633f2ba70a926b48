import { Crew } from '../src/engine/crew.ts';
import type { CrewSpec } from '../src/engine/spec.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

/**
 * Four async tasks and a join at a fixed model latency, against a one-task crew: the extra wall
 * time, in latencies. Ideal is 1.0 (the join needs one more call after the fan-out).
 */
export async function parallelEfficiency(latencyMs = 500): Promise<{ oneTaskMs: number; fanOutMs: number; extraLatencies: number }> {
  const time = async (spec: CrewSpec) => {
    const llm = new ScriptedLlm(() => ({ content: 'ok' }), { latencyMs });
    const started = performance.now();
    await new Crew(spec).kickoff({}, { llm });
    return performance.now() - started;
  };
  const analyst = agent('analyst');
  const oneTaskMs = await time(crew({ agents: [analyst], tasks: [task('only', { agent: 'analyst' })] }));
  const fanOutMs = await time(
    crew({
      agents: [analyst],
      tasks: [
        ...['a', 'b', 'c', 'd'].map((id) => task(id, { agent: 'analyst', asyncExecution: true })),
        task('join', { agent: 'analyst', context: ['a', 'b', 'c', 'd'] }),
      ],
    }),
  );
  return { oneTaskMs, fanOutMs, extraLatencies: (fanOutMs - oneTaskMs) / latencyMs };
}
