import { nearestName } from '../engine/nearestName.ts';
import type { AgentSpec } from '../engine/spec.ts';
import type { Tool } from '../tools/defineTool.ts';
import type { ToolSet } from '../tools/toolSet.ts';
import { AgentEntrySchema, UNSUPPORTED_AGENT_KEYS } from './agentsFile.ts';
import type { CrewFindings } from './errors.ts';
import { agentMcpToolSets, type McpSources } from './mcpServers.ts';
import type { ToolCatalog } from './toolCatalog.ts';
import { validateEntry } from './validateEntry.ts';
import type { YamlEntries } from './yamlFile.ts';

const FILE = 'agents.yaml';

/** The valid agents of agents.yaml; what is wrong with the others goes into `found`. */
export function buildAgents(
  entries: YamlEntries,
  catalog: ToolCatalog,
  mcp: { sources: McpSources; requireApproval: readonly string[] },
  found: CrewFindings,
): AgentSpec[] {
  if (entries.length === 0) found.problems.push({ file: FILE, path: '', message: 'defines no agents; a crew needs at least one' });
  const agents: AgentSpec[] = [];
  for (const [id, raw] of entries) {
    const { value, problems, warnings } = validateEntry(FILE, id, raw, AgentEntrySchema, UNSUPPORTED_AGENT_KEYS);
    found.problems.push(...problems);
    found.warnings.push(...warnings);
    if (!value) continue;
    const { tools, toolSets } = resolveAgentTools(FILE, `${id}.tools`, value.tools, catalog, found);
    toolSets.push(...agentMcpToolSets(FILE, `${id}.mcps`, value.mcps, mcp.sources, mcp.requireApproval, found));
    agents.push({
      id,
      role: value.role,
      goal: value.goal,
      backstory: value.backstory,
      llm: value.llm,
      tools,
      ...(toolSets.length > 0 ? { toolSets } : {}),
      allowDelegation: value.allow_delegation,
      maxIter: value.max_iter,
      maxRpm: value.max_rpm,
      maxExecutionTime: value.max_execution_time,
      verbose: value.verbose,
      maxRetryLimit: value.max_retry_limit,
      respectContextWindow: value.respect_context_window,
      contextWindow: value.context_window,
      reasoning: value.reasoning,
      maxReasoningAttempts: value.max_reasoning_attempts,
      cache: value.cache,
    });
  }
  return agents;
}

/** Tools and MCP servers (`server`, `server.tool`) by name; each unknown name is a problem that lists what is available. */
export function resolveAgentTools(file: string, path: string, names: string[], catalog: ToolCatalog, found: CrewFindings): { tools: Tool[]; toolSets: ToolSet[] } {
  const toolSets: ToolSet[] = [];
  const plain: string[] = [];
  for (const name of names) {
    const set = catalog.resolve(name) ? undefined : catalog.resolveSet(name);
    if (set) toolSets.push(set);
    else plain.push(name);
  }
  return { tools: resolveTools(file, path, plain, catalog, found), toolSets };
}

/** Tools by name; each unknown name is a problem that lists what is available. */
export function resolveTools(file: string, path: string, names: string[], catalog: ToolCatalog, found: CrewFindings): Tool[] {
  const tools: Tool[] = [];
  for (const name of names) {
    const tool = catalog.resolve(name);
    if (tool?.setupProblem) (found.unready ??= []).push({ file, path, tool: tool.name, problem: tool.setupProblem });
    if (tool) tools.push(tool);
    else {
      const near = nearestName(name, catalog.names());
      const meant = near === undefined ? '' : `did you mean ${near}? `;
      found.problems.push({ file, path, message: `"${name}" is not a tool; ${meant}${catalog.describeAvailable()}` });
    }
  }
  return tools;
}
