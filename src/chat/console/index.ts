/** The terminal surface: `crewbot start` (npm start) as an interactive thread. */
export { runConsoleSession, EXIT_INTERRUPTED, type ConsoleSessionOptions } from './consoleSession.ts';
export type { CrewCatalog } from './context.ts';
export { consoleActor } from './people.ts';
export { ConsoleAccess } from './policy.ts';
