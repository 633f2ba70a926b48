import { pathToFileURL } from 'node:url';

let tsxRegistered: Promise<void> | undefined;

/**
 * Imports a crew's TypeScript file. When crewbot runs from its .ts sources (tests, tsx) the
 * runtime already loads TypeScript. The compiled CLI uses Node's own type stripping where it has
 * it (Node 22.18+, 24), and otherwise, or for syntax stripping cannot handle (enums, imports
 * without .ts), registers tsx's loader: once, and only for crews that ship TypeScript.
 */
export async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (import.meta.url.endsWith('.ts')) return load(url);
  const native = 'typescript' in process.features && Boolean(process.features.typescript);
  if (native) {
    try {
      return await load(url);
    } catch {
      // Retried below with tsx, which reports the problem if there really is one.
    }
  }
  tsxRegistered ??= import('tsx/esm/api').then(({ register }) => void register());
  await tsxRegistered;
  // After a failed native attempt, a new URL: the failure stays cached under the plain one.
  return load(native ? `${url}?tsx` : url);
}

async function load(url: string): Promise<Record<string, unknown>> {
  return (await import(url)) as Record<string, unknown>;
}
