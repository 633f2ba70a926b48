import path from 'node:path';
import type { CrewSpec, InputSpec } from '../engine/spec.ts';
import type { Tool } from '../tools/defineTool.ts';
import { buildAgents, resolveTools } from './buildAgents.ts';
import { buildTasks } from './buildTasks.ts';
import { CrewFileSchema, UNSUPPORTED_CREW_KEYS, type CrewFileEntry } from './crewFile.ts';
import { displayPath, resolveCrewDir } from './crewDirectory.ts';
import { collectInputs } from './crewInputs.ts';
import { checkReferences, taskReferences } from './crewReferences.ts';
import { checkCustomProcess } from './customProcessFile.ts';
import { checkTriggers } from '../triggers/triggerChecks.ts';
import type { TriggerEntry } from '../triggers/triggerFile.ts';
import { CrewFileError, type CrewFindings } from './errors.ts';
import { loadLocalTools, readLocalToolsUnrun } from './localTools.ts';
import { crewMcpServers, type McpSources } from './mcpServers.ts';
import { processMcpConnections } from '../tools/mcp/mcpConnections.ts';
import { createToolCatalog, type ToolCatalog } from './toolCatalog.ts';
import { validateEntry } from './validateEntry.ts';
import { readYamlFile, type YamlEntries, type YamlFileResult } from './yamlFile.ts';
import { serverSetupProblems } from '../tools/mcp/serverReadiness.ts';

export interface LoadedCrew {
  spec: CrewSpec;
  /** Absolute path of the crew directory. */
  dir: string;
  /** Things ignored while loading (CrewAI settings not supported yet, unknown keys). */
  warnings: string[];
  /**
   * Tools whose configuration is missing (the key a built-in tool needs, an MCP server's command
   * or variables) and what to set: the crew runs, but those tools would fail on every call.
   */
  setupWarnings?: string[] | undefined;
  inputs: Record<string, InputSpec>;
  /** crew.yaml's chat surface settings, untouched, for the surfaces to read. */
  surfaces: { slack?: unknown; discord?: unknown };
  /** crew.yaml `triggers:`: what starts this crew by itself (none for a crew built in code). */
  triggers?: TriggerEntry[] | undefined;
  /** crew.yaml `learning` and `memory`; absent (a crew built in code): lessons on, memory off. */
  learning?: { lessons: boolean; memory: boolean } | undefined;
}

export interface LoadCrewOptions {
  /** Where crews are found by name; default <cwd>/crews. */
  crewsDir?: string;
  builtinTools: Record<string, Tool>;
  /** Other names for built-in tools (CrewAI class names such as SerperDevTool). */
  builtinAliases?: Record<string, string>;
  /** MCP connections to share and headers for `mcps:` URLs; default: the process's connections, no headers. */
  mcp?: McpSources | undefined;
  /**
   * Default true. False reads a crew without running its tools.ts (`crewbot list`): names of its
   * tools, guardrails and callbacks are taken on trust, as `validate` and `run` check them.
   */
  runCode?: boolean | undefined;
}

/**
 * Loads `crews/<name>/` (or a crew directory by path): agents.yaml, tasks.yaml, optional crew.yaml
 * and tools.ts. Throws CrewNotFoundError, or one CrewFileError naming every problem at once.
 */
export async function loadCrew(nameOrDir: string, options: LoadCrewOptions): Promise<LoadedCrew> {
  const cwd = process.cwd();
  const dir = await resolveCrewDir(nameOrDir, crewsDirOf(options, cwd), cwd);
  return loadCrewDir(dir, displayPath(dir, cwd), options);
}

export function crewsDirOf(options: LoadCrewOptions, cwd: string): string {
  return path.resolve(cwd, options.crewsDir ?? 'crews');
}

async function loadCrewDir(dir: string, shownDir: string, options: LoadCrewOptions): Promise<LoadedCrew> {
  const found: CrewFindings = { problems: [], warnings: [] };
  const [agentsFile, tasksFile, crewFile, { local, problems: toolProblems }] = await Promise.all([
    readYamlFile(dir, 'agents.yaml'),
    readYamlFile(dir, 'tasks.yaml'),
    readYamlFile(dir, 'crew.yaml'),
    options.runCode === false ? readLocalToolsUnrun(dir) : loadLocalTools(dir),
  ]);
  found.problems.push(...toolProblems);
  const agentEntries = entriesOf(agentsFile, 'agents.yaml', true, found);
  const taskEntries = entriesOf(tasksFile, 'tasks.yaml', true, found);
  const crewEntries = entriesOf(crewFile, 'crew.yaml', false, found);

  const crew = crewSettings(crewEntries.checkable, found);
  const mcpSources = options.mcp ?? { connections: processMcpConnections, urlHeaders: {} };
  const mcpServers = crewMcpServers(crew.mcp_servers, dir, mcpSources);
  for (const connection of mcpServers.values()) {
    for (const problem of serverSetupProblems(connection.config)) (found.setup ??= []).push(`crew.yaml: ${problem}`);
  }
  const catalog = createToolCatalog(local.tools, options.builtinTools, options.builtinAliases, { servers: mcpServers, requireApproval: crew.require_approval }, local.unverified);
  const agents = agentEntries.checkable ? buildAgents(agentEntries.checkable, catalog, { sources: mcpSources, requireApproval: crew.require_approval }, found) : [];
  const tasks = taskEntries.checkable ? buildTasks(taskEntries.checkable, catalog, local, found) : [];
  const mcpInUse = mcpServers.size > 0 || agents.some((agent) => agent.toolSets !== undefined);
  const requireApproval = approvalNames(crew.require_approval, catalog, mcpInUse, found);
  checkReferences(
    {
      process: crew.process,
      agentIds: agentEntries.complete ? agentEntries.ids : undefined,
      taskIds: taskEntries.ids,
      tasks: taskReferences(taskEntries.checkable ?? [], tasks),
      managerAgent: crew.manager_agent,
    },
    found,
  );
  checkCustomProcess(crew.process, local, tasks, taskEntries.ids, found);
  if (crew.process !== 'hierarchical') {
    for (const key of ['manager_llm', 'manager_agent'] as const) {
      if (crew[key] !== undefined) found.warnings.push(`crew.yaml: ${key} is only used by the hierarchical process and is ignored`);
    }
  }
  if (!crew.planning && crew.planning_llm !== undefined) found.warnings.push('crew.yaml: planning_llm is only used when planning is true and is ignored');
  const inputs = collectInputs(crew.inputs, agents, tasks, found);
  checkTriggers(crew.triggers, inputs, found);
  // Warnings name their file by its path, as problems do.
  const warnings = found.warnings.map((warning) => `${shownDir}/${warning}`);
  if (found.problems.length > 0) throw new CrewFileError(shownDir, found.problems, warnings);

  const spec: CrewSpec = {
    name: path.basename(dir),
    description: crew.description,
    sourceDir: shownDir,
    process: crew.process,
    customProcess: crew.process === 'custom' ? local.customProcess : undefined,
    agents,
    tasks,
    managerLlm: crew.manager_llm,
    managerAgent: crew.manager_agent,
    verbose: crew.verbose,
    maxConcurrency: crew.max_concurrency,
    limits: crew.limits && { maxLlmCalls: crew.limits.max_llm_calls, maxTokens: crew.limits.max_tokens, maxCostUsd: crew.limits.max_cost_usd },
    inputs,
    requireApproval,
    maxReviewRounds: crew.max_review_rounds,
    requestTimeout: crew.request_timeout && {
      afterMs: crew.request_timeout.after,
      review: crew.request_timeout.review,
      approval: crew.request_timeout.approval,
      question: crew.request_timeout.question,
    },
    planning: crew.planning,
    planningLlm: crew.planning_llm,
    cache: crew.cache,
    outputLogFile: crew.output_log_file,
  };
  const learning = { lessons: crew.learning, memory: crew.memory };
  const setupWarnings = [...unreadyTools(found), ...(found.setup ?? [])].map((warning) => `${shownDir}/${warning}`);
  return { spec, dir, warnings, setupWarnings, inputs, surfaces: surfacesOf(crew), triggers: crew.triggers, learning };
}

/**
 * By the tools' own names, which is how the engine meets them (an alias is only a YAML spelling).
 * MCP tools are known only once their server answers, so with MCP servers a name that is not a
 * local or built-in tool is kept as written and matched against MCP tools when they run.
 */
function approvalNames(names: string[], catalog: ToolCatalog, mcpInUse: boolean, found: CrewFindings): string[] {
  if (!mcpInUse) return resolveTools('crew.yaml', 'require_approval', names, catalog, found).map((tool) => tool.name);
  return names.map((name) => catalog.resolve(name)?.name ?? name);
}

/**
 * What can be checked of a file: its entries (those a syntax error leaves intact; undefined when
 * none can be read), every id it holds, and whether that list is complete.
 */
interface FileEntries {
  checkable: YamlEntries | undefined;
  ids: string[];
  complete: boolean;
}

function entriesOf(result: YamlFileResult, file: string, required: boolean, found: CrewFindings): FileEntries {
  switch (result.status) {
    case 'ok':
      return { checkable: result.entries, ids: result.entries.map(([id]) => id), complete: true };
    case 'invalid':
      found.problems.push(...result.problems);
      return { checkable: result.entries.length > 0 ? result.entries : undefined, ids: result.ids, complete: false };
    case 'missing':
      if (!required) return { checkable: [], ids: [], complete: true };
      found.problems.push({ file, path: '', message: `not found; a crew directory needs agents.yaml and tasks.yaml (CrewAI's format)` });
      return { checkable: undefined, ids: [], complete: false };
  }
}

/**
 * crew.yaml's settings. When the file has problems, its `process` is still read when valid (and
 * otherwise taken as sequential), so the other files are checked by the right rules.
 */
function crewSettings(entries: YamlEntries | undefined, found: CrewFindings): CrewFileEntry {
  const raw = Object.fromEntries(entries ?? []);
  const { value, problems, warnings } = validateEntry('crew.yaml', undefined, raw, CrewFileSchema, UNSUPPORTED_CREW_KEYS);
  found.problems.push(...problems);
  found.warnings.push(...warnings);
  if (value) return value;
  return CrewFileSchema.parse({ process: CrewFileSchema.shape.process.safeParse(raw.process).data });
}

function surfacesOf(crew: CrewFileEntry): LoadedCrew['surfaces'] {
  const surfaces: LoadedCrew['surfaces'] = {};
  if (crew.slack !== undefined) surfaces.slack = crew.slack;
  if (crew.discord !== undefined) surfaces.discord = crew.discord;
  return surfaces;
}

/** One warning per tool and file, naming every agent or task given it: four analysts, one missing key. */
function unreadyTools(found: CrewFindings): string[] {
  const grouped = new Map<string, { paths: string[]; text: string }>();
  for (const { file, path: where, tool, problem } of found.unready ?? []) {
    const key = `${file}\0${tool}\0${problem}`;
    const entry = grouped.get(key) ?? { paths: [], text: `${tool} ${problem}` };
    entry.paths.push(where);
    grouped.set(key, entry);
  }
  return [...grouped.entries()].map(([key, { paths, text }]) => `${key.split('\0')[0]}: ${paths.join(', ')}: ${text}`);
}
