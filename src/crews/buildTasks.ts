import type { ConditionSpec, TaskSpec } from '../engine/spec.ts';
import { resolveAgentTools } from './buildAgents.ts';
import type { CrewFindings } from './errors.ts';
import { LOCAL_TOOLS_FILE, type LocalTools } from './localTools.ts';
import { toOutputSchema } from './outputSchema.ts';
import { FUNCTION_NAME, TaskEntrySchema, UNSUPPORTED_TASK_KEYS, type ConditionEntry, type LoopEntry, type TaskEntry } from './tasksFile.ts';
import type { ToolCatalog } from './toolCatalog.ts';
import { isRecord, validateEntry } from './validateEntry.ts';
import type { YamlEntries } from './yamlFile.ts';

const FILE = 'tasks.yaml';

/** The valid tasks of tasks.yaml in file order; references between tasks are checked separately. */
export function buildTasks(entries: YamlEntries, catalog: ToolCatalog, local: LocalTools, found: CrewFindings): TaskSpec[] {
  if (entries.length === 0) found.problems.push({ file: FILE, path: '', message: 'defines no tasks; a crew needs at least one' });
  const tasks: TaskSpec[] = [];
  for (const [id, raw] of entries) {
    const { value, problems, warnings } = validateEntry(FILE, id, raw, TaskEntrySchema, UNSUPPORTED_TASK_KEYS);
    found.problems.push(...problems);
    found.warnings.push(...warnings);
    if (value?.expected_output === '') found.warnings.push(`${FILE}: ${id}.expected_output is empty; the agent is not told what output is expected`);
    if (value) tasks.push(buildTask(id, value, catalog, local, found));
    if (value?.max_retries !== undefined && isRecord(raw) && raw.guardrail_max_retries != null) {
      found.warnings.push(`${FILE}: ${id} sets both max_retries and guardrail_max_retries; max_retries (CrewAI's older name) wins`);
    }
  }
  return tasks;
}

function buildTask(id: string, entry: TaskEntry, catalog: ToolCatalog, local: LocalTools, found: CrewFindings): TaskSpec {
  const named = entry.tools && resolveAgentTools(FILE, `${id}.tools`, entry.tools, catalog, found);
  return {
    id,
    description: entry.description,
    expectedOutput: entry.expected_output,
    agent: entry.agent,
    context: entry.context,
    asyncExecution: entry.async_execution,
    humanInput: entry.human_input,
    outputSchema: entry.output_json && outputSchemaOf(id, entry.output_json, found),
    outputFile: entry.output_file,
    markdown: entry.markdown,
    guardrail: entry.guardrail === undefined ? undefined : guardrailOf(id, entry.guardrail, local, found),
    guardrailMaxRetries: entry.guardrail_max_retries,
    maxRetries: entry.max_retries,
    callback: entry.callback === undefined ? undefined : callbackOf(id, entry.callback, local, found),
    tools: named?.tools,
    ...(named && named.toolSets.length > 0 ? { toolSets: named.toolSets } : {}),
    priority: entry.priority,
    condition: entry.condition && conditionOf(entry.condition),
    loop: entry.loop && loopOf(entry.loop),
  };
}

function outputSchemaOf(id: string, jsonSchema: Record<string, unknown>, found: CrewFindings): TaskSpec['outputSchema'] {
  const result = toOutputSchema(id, jsonSchema);
  if (result.ok) return result.schema;
  found.problems.push({ file: FILE, path: `${id}.output_json`, message: result.message });
  return undefined;
}

/** One identifier names a function in tools.ts; a sentence is a rule an LLM checks. */
function guardrailOf(id: string, guardrail: string, local: LocalTools, found: CrewFindings): TaskSpec['guardrail'] {
  if (!FUNCTION_NAME.test(guardrail)) return guardrail;
  const fn = local.guardrails.get(guardrail);
  if (!fn) found.problems.push({ file: FILE, path: `${id}.guardrail`, message: missingFunction(guardrail, 'guardrails', local.guardrails, local.present, ', or write the guardrail as a sentence for an LLM to check') });
  return fn;
}

function callbackOf(id: string, callback: string, local: LocalTools, found: CrewFindings): TaskSpec['callback'] {
  const fn = local.callbacks.get(callback);
  if (!fn) found.problems.push({ file: FILE, path: `${id}.callback`, message: missingFunction(callback, 'callbacks', local.callbacks, local.present, '') });
  return fn;
}

function missingFunction(name: string, exportName: string, exported: Map<string, unknown>, present: boolean, hint: string): string {
  if (!present) return `"${name}" names a function, but the crew has no ${LOCAL_TOOLS_FILE}; export it there under ${exportName}${hint}`;
  const names = exported.size > 0 ? `it has ${[...exported.keys()].join(', ')}` : `it has none`;
  return `"${name}" is not a function in the ${exportName} export of ${LOCAL_TOOLS_FILE} (${names}); export it there${hint}`;
}

export function loopOf(entry: LoopEntry): NonNullable<TaskSpec['loop']> {
  return { backTo: entry.back_to, while: conditionOf(entry.while), max: entry.max };
}

export function conditionOf(entry: ConditionEntry): ConditionSpec {
  return entry.matches !== undefined ? { task: entry.task, matches: entry.matches } : { task: entry.task, ask: entry.ask ?? '' };
}
