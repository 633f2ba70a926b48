import { LlmRequestError, ModelNotFoundError } from '../llm/errors.ts';
import { MANAGER_ID } from './manager.ts';
import type { CallSite } from './runContext.ts';
import type { CrewSpec } from './spec.ts';

/**
 * Where the model of a call was named, in the words the crew's author wrote it:
 * `crews/x/crew.yaml: manager_llm`, `crews/x/agents.yaml: writer.llm`, or OPENAI_MODEL when the
 * call used the default model.
 */
export function modelSource(spec: CrewSpec, agent: CallSite['agent']): string {
  if (agent.llm === undefined) return 'OPENAI_MODEL (the default model)';
  const id = 'id' in agent ? agent.id : undefined;
  const inFile = (file: string, key: string) => (spec.sourceDir ? `${spec.sourceDir}/${file}: ${key}` : `the crew's ${key}`);
  if (id === MANAGER_ID && !spec.agents.some((candidate) => candidate.id === MANAGER_ID)) return inFile('crew.yaml', 'manager_llm');
  if (id !== undefined) return inFile('agents.yaml', `${id}.llm`);
  // Calls on no agent's behalf (the planner) use the crew's planning_llm.
  return inFile('crew.yaml', 'planning_llm');
}

/**
 * A 404 that is about the model (OpenAI's `model_not_found`, Ollama's `model "x" not found`), as
 * opposed to a wrong base URL path, which the server also answers with 404.
 */
export function withModelSource(error: unknown, model: string, source: () => string): unknown {
  if (!(error instanceof LlmRequestError) || error instanceof ModelNotFoundError || error.status !== 404) return error;
  const aboutModel = error.code === 'model_not_found' || error.serverMessage.includes(model) || /\bmodel\b/i.test(error.serverMessage);
  return aboutModel ? new ModelNotFoundError(error, model, source()) : error;
}
