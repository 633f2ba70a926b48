import { Crew } from '../src/engine/crew.ts';
import { ScriptedLlm } from '../src/testing/scriptedLlm.ts';
import { agent, crew, task } from '../test/support/crewBuilders.ts';

/**
 * Characters the engine adds to a task's prompt beyond the crew author's own text (role, goal,
 * backstory, description, expected output), for a task with no tools and no context.
 */
export async function promptOverhead(): Promise<{ fixedChars: number }> {
  const writer = agent('writer', { role: 'Writer', goal: 'Write clearly', backstory: 'You write for engineers.' });
  const only = task('write', { agent: 'writer', description: 'Write a haiku about queues.', expectedOutput: 'A haiku.' });
  const llm = new ScriptedLlm(() => ({ content: 'haiku' }));
  await new Crew(crew({ agents: [writer], tasks: [only] })).kickoff({}, { llm });
  const sent = llm.requests[0]!.messages.reduce((sum, message) => sum + (message.content?.length ?? 0), 0);
  const own = [writer.role, writer.goal, writer.backstory, only.description, only.expectedOutput].join('').length;
  return { fixedChars: sent - own };
}
