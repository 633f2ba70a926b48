import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isCustomProcess, type CustomProcess } from '../engine/customProcess.ts';
import type { GuardrailFunction, GuardrailResult, TaskSpec } from '../engine/spec.ts';
import { errorMessage } from '../engine/errors.ts';
import { isTool, type Tool } from '../tools/defineTool.ts';
import type { CrewProblem } from './errors.ts';
import { importTypeScript } from './typescriptLoader.ts';

export type TaskCallback = NonNullable<TaskSpec['callback']>;

/** What a crew's tools.ts contributes: tools by name, and functions tasks.yaml names. */
export interface LocalTools {
  /** True when the crew has a tools.ts. */
  present: boolean;
  tools: Map<string, Tool>;
  guardrails: Map<string, GuardrailFunction>;
  callbacks: Map<string, TaskCallback>;
  /** `process: custom`: the crew's own process, exported as `customProcess`. */
  customProcess?: CustomProcess | undefined;
  /** The file's source, for checks that read it (task ids a custom process names). */
  source?: string | undefined;
  /** True when the file was read but not run: the names YAML gives its exports are taken on trust. */
  unverified?: boolean | undefined;
}

export const LOCAL_TOOLS_FILE = 'tools.ts';

const GuardrailResultSchema = z.union([
  z.object({ ok: z.literal(true), output: z.string().optional() }),
  z.object({ ok: z.literal(false), feedback: z.string() }),
]);

/**
 * Imports `<crew>/tools.ts` (through tsx's loader when crewbot runs compiled). Its tools are the
 * default export or the `tools` export, an array or a record of tools made with defineTool;
 * `guardrails` and `callbacks` are records of functions.
 */
export async function loadLocalTools(dir: string): Promise<{ local: LocalTools; problems: CrewProblem[] }> {
  const local: LocalTools = { present: false, tools: new Map(), guardrails: new Map(), callbacks: new Map() };
  const file = path.join(dir, LOCAL_TOOLS_FILE);
  if (!(await exists(file))) return { local, problems: [] };
  local.present = true;
  let module: Record<string, unknown>;
  try {
    module = await importTypeScript(file);
  } catch (error) {
    return { local, problems: [problem('', `could not be loaded: ${errorMessage(error)}`)] };
  }
  const problems: CrewProblem[] = [];
  const exportName = module.tools !== undefined ? 'tools' : 'default';
  const exported = module[exportName];
  for (const { where, value } of members(isTool(exported) ? [exported] : exported, exportName, problems)) {
    if (!isTool(value)) {
      problems.push(problem(where, "is not a tool: make it with defineTool from 'crewbot/tools'"));
    } else if (local.tools.has(value.name)) {
      problems.push(problem(where, `is a second tool named "${value.name}"; tool names must be unique`));
    } else {
      local.tools.set(value.name, value);
    }
  }
  // Signatures cannot be checked at runtime; a guardrail's result is checked when it returns.
  for (const { key, where, value } of members(module.guardrails, 'guardrails', problems, true)) {
    if (typeof value !== 'function') problems.push(problem(where, 'is not a function'));
    else local.guardrails.set(key, checkedGuardrail(where, value as GuardrailFunction));
  }
  for (const { key, where, value } of members(module.callbacks, 'callbacks', problems, true)) {
    if (typeof value !== 'function') problems.push(problem(where, 'is not a function'));
    else local.callbacks.set(key, value as TaskCallback);
  }
  if (module.customProcess !== undefined) {
    if (isCustomProcess(module.customProcess)) local.customProcess = module.customProcess;
    else problems.push(problem('customProcess', "is not a function: export const customProcess = defineProcess(async ({ run }) => { … }) with defineProcess from 'crewbot/tools'"));
  }
  local.source = await readFile(file, 'utf8').catch(() => undefined);
  return { local, problems };
}

/**
 * What tools.ts offers as far as a listing needs it, without running the file: `crewbot list` must
 * neither execute a crew's code nor pay for a TypeScript loader to describe it. Each guardrail and
 * callback name tasks.yaml gives is taken on trust (the tool catalog does the same for tool names);
 * `validate` and `run` import the file and check every one.
 */
export async function readLocalToolsUnrun(dir: string): Promise<{ local: LocalTools; problems: CrewProblem[] }> {
  const file = path.join(dir, LOCAL_TOOLS_FILE);
  if (!(await exists(file))) return loadLocalTools(dir);
  const notRun = (): never => {
    throw new Error(`${LOCAL_TOOLS_FILE} was read for a listing and not run`);
  };
  return {
    local: {
      present: true,
      unverified: true,
      tools: new Map(),
      guardrails: new TrustingMap(() => notRun),
      callbacks: new TrustingMap(() => notRun),
      customProcess: async () => notRun(),
      source: await readFile(file, 'utf8').catch(() => undefined),
    },
    problems: [],
  };
}

/** A map that answers every name: a stand-in for exports known only once their file runs. */
class TrustingMap<V> extends Map<string, V> {
  constructor(private readonly standIn: (name: string) => V) {
    super();
  }

  override get(name: string): V {
    return super.get(name) ?? this.standIn(name);
  }
}

/** Entries of an export that is an array or a record, each with the path that names it. */
function members(value: unknown, exportName: string, problems: CrewProblem[], recordOnly = false): Array<{ key: string; where: string; value: unknown }> {
  if (value === undefined) return [];
  if (Array.isArray(value) && !recordOnly) {
    return value.map((item: unknown, index) => ({ key: String(index), where: `${exportName}[${index}]`, value: item }));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).map(([key, item]) => ({ key, where: `${exportName}.${key}`, value: item }));
  }
  problems.push(problem(exportName, `must be ${recordOnly ? 'a record of functions by name' : 'an array or a record of tools'}`));
  return [];
}

/** A guardrail that returns the wrong shape fails with a message that names it and the right shape. */
function checkedGuardrail(where: string, guardrail: GuardrailFunction): GuardrailFunction {
  return async (output): Promise<GuardrailResult> => {
    const result: unknown = await guardrail(output);
    const parsed = GuardrailResultSchema.safeParse(result);
    if (parsed.success) return parsed.data;
    throw new Error(`${LOCAL_TOOLS_FILE} ${where} returned ${JSON.stringify(result)}; return { ok: true } or { ok: false, feedback: "what to fix" }`);
  };
}

function problem(where: string, message: string): CrewProblem {
  return { file: LOCAL_TOOLS_FILE, path: where, message };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
