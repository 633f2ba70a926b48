import type { Tool } from '../tools/defineTool.ts';

/** The tools a crew's YAML may name: crew-local (tools.ts) first, then built-in tools, then their aliases. */
export interface ToolCatalog {
  resolve(name: string): Tool | undefined;
  /** For error messages: every name that resolves, grouped by where it comes from. */
  describeAvailable(): string;
}

export function createToolCatalog(local: Map<string, Tool>, builtin: Record<string, Tool>, aliases: Record<string, string> = {}): ToolCatalog {
  return {
    resolve(name) {
      const aliased = aliases[name];
      return local.get(name) ?? builtin[name] ?? (aliased === undefined ? undefined : builtin[aliased]);
    },
    describeAvailable() {
      const groups = [
        [[...local.keys()], 'tools.ts'],
        [Object.keys(builtin), 'built in'],
      ] as const;
      const listed = groups.filter(([names]) => names.length > 0).map(([names, source]) => `${names.join(', ')} (${source})`);
      return listed.length > 0 ? `available: ${listed.join('; ')}` : 'this crew has no tools available';
    },
  };
}
