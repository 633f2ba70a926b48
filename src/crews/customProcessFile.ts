import type { ProcessKind, TaskSpec } from '../engine/spec.ts';
import type { CrewFindings } from './errors.ts';
import { LOCAL_TOOLS_FILE, type LocalTools } from './localTools.ts';

/** `run('task_id')` / `run("task_id", …)` calls whose task id is written out, as far as the source shows them. */
const RUN_CALL = /\brun\(\s*(['"`])([A-Za-z0-9_-]+)\1/g;

/**
 * `process: custom` takes the crew's process from tools.ts (`customProcess`). The function can
 * only be read, not run, here: every task id it names literally must exist, and conditions and
 * loops, which the process's own code replaces, are refused.
 */
export function checkCustomProcess(process: ProcessKind, local: LocalTools, tasks: TaskSpec[], taskIds: string[], found: CrewFindings): void {
  if (process !== 'custom') {
    if (local.customProcess) found.warnings.push(`${LOCAL_TOOLS_FILE}: customProcess is only used with process: custom in crew.yaml and is ignored`);
    return;
  }
  if (!local.customProcess) {
    found.problems.push({
      file: local.present ? LOCAL_TOOLS_FILE : 'crew.yaml',
      path: local.present ? 'customProcess' : 'process',
      message: local.present
        ? "is missing: process custom needs tools.ts to export customProcess = defineProcess(async ({ run }) => { … }) (defineProcess from 'crewbot')"
        : "custom needs a tools.ts beside crew.yaml that exports customProcess = defineProcess(async ({ run }) => { … }) (defineProcess from 'crewbot')",
    });
    return;
  }
  for (const [, , id] of (local.source ?? '').matchAll(RUN_CALL)) {
    if (id !== undefined && !taskIds.includes(id)) {
      found.problems.push({ file: LOCAL_TOOLS_FILE, path: 'customProcess', message: `runs "${id}", which is not a task in tasks.yaml (tasks: ${taskIds.join(', ')})` });
    }
  }
  for (const task of tasks) {
    for (const key of ['condition', 'loop'] as const) {
      if (task[key] !== undefined) {
        found.problems.push({ file: 'tasks.yaml', path: `${task.id}.${key}`, message: 'is not used by a custom process; decide in customProcess instead (run the task or not, run it again with feedback)' });
      }
    }
  }
}
