import type { z } from 'zod';
import type { AgentSpec, InputSpec, TaskSpec } from '../engine/spec.ts';
import type { InputEntrySchema } from './crewFile.ts';
import type { CrewFindings } from './errors.ts';
import { findPlaceholders } from './placeholders.ts';

/**
 * The inputs a run needs: those crew.yaml declares, then every other {placeholder} in the texts
 * the engine fills (required, since nothing else supplies them).
 */
export function collectInputs(
  declared: Record<string, z.output<typeof InputEntrySchema> | null>,
  agents: AgentSpec[],
  tasks: TaskSpec[],
  found: CrewFindings,
): Record<string, InputSpec> {
  // A Map, so an input named like an Object.prototype member is just a name.
  const inputs = new Map<string, InputSpec>();
  for (const [name, entry] of Object.entries(declared)) {
    inputs.set(name, { description: entry?.description, required: entry?.required ?? true, default: entry?.default });
  }
  const texts = [
    ...agents.flatMap((agent) => [agent.role, agent.goal, agent.backstory]),
    ...tasks.flatMap((task) => [task.description, task.expectedOutput, task.outputFile ?? '']),
  ];
  const used = new Set(texts.flatMap(findPlaceholders));
  for (const name of used) if (!inputs.has(name)) inputs.set(name, { required: true });
  for (const name of Object.keys(declared)) {
    if (!used.has(name)) found.warnings.push(`crew.yaml: inputs.${name} is declared but {${name}} appears in no agent or task`);
  }
  return Object.fromEntries(inputs);
}
