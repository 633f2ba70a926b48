import { pathToFileURL } from 'node:url';

let registered: Promise<void> | undefined;

/**
 * Imports a crew's TypeScript file. The compiled CLI runs plain JavaScript, so tsx's loader is
 * registered here, once, and only for crews that ship TypeScript; when crewbot itself runs from
 * its .ts sources (tests, tsx) the runtime already loads TypeScript and nothing is added.
 */
export async function importTypeScript(file: string): Promise<Record<string, unknown>> {
  registered ??= registerTsx();
  await registered;
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

async function registerTsx(): Promise<void> {
  if (import.meta.url.endsWith('.ts')) return;
  const { register } = await import('tsx/esm/api');
  register();
}
