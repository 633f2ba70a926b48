import path from 'node:path';

/**
 * How to type crewbot where the user is, for the commands its hints print. A bare `crewbot` works
 * only when that is how this process was started: a `crewbot` found on PATH (`npm link`, a global
 * install). Run through npm (`npx crewbot`, `npm start`, a package script), as `node bin/crewbot.js`,
 * or from a project's node_modules/.bin, `crewbot` is usually not on PATH, and `npx crewbot` works.
 */
export function commandName(env: NodeJS.ProcessEnv = process.env, script: string | undefined = process.argv[1]): string {
  const throughNpm = env.npm_execpath !== undefined || env.npm_lifecycle_event !== undefined;
  if (throughNpm || script === undefined) return 'npx crewbot';
  const onPath = path.basename(script) === 'crewbot' && path.basename(path.dirname(script)) !== '.bin';
  return onPath ? 'crewbot' : 'npx crewbot';
}
