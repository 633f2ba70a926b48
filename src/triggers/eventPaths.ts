import { INPUT_PATH } from './triggerFile.ts';

/**
 * Trigger inputs: a `$.path` reads the event (a webhook's JSON body, the earlier run), anything
 * else is taken as written. A path the event does not have leaves the input out, so the crew's
 * default applies or the run is refused naming the input.
 */
export function inputsFromEvent(spec: Record<string, string>, event: unknown): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec)) {
    if (!INPUT_PATH.test(value)) {
      inputs[name] = value;
      continue;
    }
    const found = readPath(event, value);
    if (found === undefined || found === null) continue;
    inputs[name] = typeof found === 'string' ? found : JSON.stringify(found);
  }
  return inputs;
}

/** The value at `$.a.b[0]` in untrusted JSON; own properties only, so `$.__proto__` reads nothing. */
export function readPath(root: unknown, path: string): unknown {
  const steps = path.slice(1).match(/\.[A-Za-z0-9_-]+|\[\d+\]/g) ?? [];
  let value = root;
  for (const step of steps) {
    if (typeof value !== 'object' || value === null) return undefined;
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** Which `$.path` fills an input, to name it when the event lacks it. */
export function pathOf(spec: Record<string, string>, input: string): string | undefined {
  const value = spec[input];
  return value !== undefined && INPUT_PATH.test(value) ? value : undefined;
}
