import type { CrewEvent } from '../engine/events.ts';
import type { TaskOutput } from '../engine/output.ts';
import type { RunStore } from './runStore.ts';

/**
 * The event log keeps what happened, not the task outputs again: those live once in the store's
 * task outputs (and the checkpoint). A task's completion and its agent's final answer are logged
 * without the text; `readEventLog` puts it back from where it is kept.
 */
export function storedEvent(event: CrewEvent): CrewEvent | Omit<CrewEvent, 'output'> {
  if (event.type === 'task_completed' || event.type === 'agent_execution_completed') {
    const { output: _output, ...rest } = event;
    return rest;
  }
  return event;
}

/** A run's events as they happened, task outputs included. */
export async function readEventLog(store: RunStore, runId: string): Promise<CrewEvent[]> {
  const [events, outputs] = await Promise.all([store.getEvents(runId), store.getTaskOutputs(runId)]);
  return events.map((raw) => {
    const event = raw as CrewEvent;
    if (event.type !== 'task_completed' && event.type !== 'agent_execution_completed') return event;
    if ('output' in event && event.output !== undefined) return event; // logged before outputs were left out
    const output = outputs[event.taskId] as TaskOutput | undefined;
    if (event.type === 'agent_execution_completed') return { ...event, output: output?.raw ?? '' };
    const missing: TaskOutput = { taskId: event.taskId, agent: event.agent ?? '', description: '', raw: '', usage: { llmCalls: 0, promptTokens: 0, completionTokens: 0 } };
    return { ...event, output: output ?? missing };
  });
}
