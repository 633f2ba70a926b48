import type { z } from 'zod';
import type { AgentSpec, InputSpec, TaskSpec } from '../engine/spec.ts';
import type { InputEntrySchema } from './crewFile.ts';
import type { CrewFindings } from './errors.ts';
import { findPlaceholders } from './placeholders.ts';
import { didYouMean } from '../engine/nearestName.ts';

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
  const texts: Array<[where: string, text: string]> = [
    ...agents.flatMap((agent) => textsOf('agents.yaml', agent.id, { role: agent.role, goal: agent.goal, backstory: agent.backstory })),
    ...tasks.flatMap((task) => textsOf('tasks.yaml', task.id, { description: task.description, expected_output: task.expectedOutput, output_file: task.outputFile })),
  ];
  const used = new Set<string>();
  const declaresInputs = Object.keys(declared).length > 0;
  for (const [where, text] of texts) {
    for (const name of findPlaceholders(text)) {
      if (!inputs.has(name)) {
        inputs.set(name, { required: true });
        // A crew that declares its inputs means to declare them all; run refuses to start without this one.
        if (declaresInputs) {
          found.warnings.push(
            `${where} uses {${name}}, which crew.yaml does not declare under inputs${didYouMean(name, Object.keys(declared))}; every run must then pass --input ${name}=… (declare it, with a default when it may be left out)`,
          );
        }
      }
      used.add(name);
    }
  }
  for (const name of Object.keys(declared)) {
    if (!used.has(name)) found.warnings.push(`crew.yaml: inputs.${name} is declared but {${name}} appears in no agent or task`);
  }
  return Object.fromEntries(inputs);
}

function textsOf(file: string, id: string, fields: Record<string, string | undefined>): Array<[where: string, text: string]> {
  const texts: Array<[where: string, text: string]> = [];
  for (const [key, text] of Object.entries(fields)) if (text !== undefined) texts.push([`${file}: ${id}.${key}`, text]);
  return texts;
}
