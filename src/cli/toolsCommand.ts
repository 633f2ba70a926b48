import type { AgentSpec } from '../engine/spec.ts';
import { errorMessage } from '../engine/errors.ts';
import type { Runtime } from '../runtime.ts';
import { BUILTIN_TOOL_ALIASES } from '../tools/builtinTools.ts';
import type { ToolSet } from '../tools/toolSet.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

const USAGE = 'crewbot tools <crew|dir> [--check]';
const BUILTIN_NAMES = new Set(Object.values(BUILTIN_TOOL_ALIASES));

/**
 * Every tool each agent gets and where it comes from. With --check, each MCP server is asked for
 * its tools now; exit 1 when one does not answer.
 */
export async function toolsCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { check: { type: 'boolean' } }, USAGE);
  const [crewName, ...extra] = positionals;
  if (crewName === undefined || extra.length > 0) throw new UsageError(`Name one crew.\nUsage: ${USAGE}`);
  const { spec } = await runtime.loadCrew(crewName);
  const probes = new Map<ToolSet, Promise<string>>();
  let unreachable = 0;
  for (const agent of spec.agents) {
    io.out(`${agent.id} (${agent.role})`);
    const lines = [...agent.tools.map((tool) => `  ${tool.name} (${BUILTIN_NAMES.has(tool.name) ? 'built in' : 'tools.ts'})`), ...(await setLines(agent))];
    io.out(lines.length > 0 ? lines.join('\n') : '  no tools');
  }
  return unreachable > 0 ? EXIT.failed : EXIT.ok;

  async function setLines(agent: AgentSpec): Promise<string[]> {
    const sets = agent.toolSets ?? [];
    if (!values.check) return sets.map((set) => `  ${set.label}`);
    return Promise.all(
      sets.map(async (set) => {
        let probe = probes.get(set);
        if (!probe) {
          probe = set.probe().then(
            (names) => `answers: ${names.join(', ') || 'no tools'}`,
            (error: unknown) => {
              unreachable += 1;
              return `DOES NOT ANSWER: ${errorMessage(error)}`;
            },
          );
          probes.set(set, probe);
        }
        return `  ${set.label} — ${await probe}`;
      }),
    );
  }
}
