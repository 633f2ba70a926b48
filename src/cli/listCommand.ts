import type { InputSpec } from '../engine/spec.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs } from './cliArgs.ts';
import { EXIT, type CliIo } from './io.ts';

export async function listCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: 'boolean' } }, 'crewbot list [--json]');
  const crews = await runtime.listCrews();
  if (values.json) {
    io.out(JSON.stringify(crews));
    return EXIT.ok;
  }
  if (crews.length === 0) {
    io.out(`No crews in ${runtime.config.CREWBOT_CREWS_DIR}/. Create one as ${runtime.config.CREWBOT_CREWS_DIR}/<name>/agents.yaml and tasks.yaml.`);
    return EXIT.ok;
  }
  for (const crew of crews) {
    io.out(`${crew.name}${crew.description ? ` — ${crew.description}` : ''}`);
    if (crew.error) io.out(`  (invalid: ${crew.error.split('\n')[0]})`);
    for (const [name, input] of Object.entries(crew.inputs)) io.out(`  ${describeInput(name, input)}`);
    for (const warning of crew.setupWarnings ?? []) io.out(`  warning: ${warning}`);
  }
  return EXIT.ok;
}

export function describeInput(name: string, input: InputSpec): string {
  const flags = input.required && input.default === undefined ? 'required' : `default: ${input.default ?? '""'}`;
  return [`--input ${name}=…`, input.description, `(${flags})`].filter(Boolean).join(' ');
}
