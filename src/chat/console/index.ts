/** The terminal surface: `crewbot start` (npm start) as an interactive thread. */
export { runConsoleSession, EXIT_INTERRUPTED, type ConsoleSessionOptions } from './consoleSession.ts';
export type { CrewCatalog } from './consoleContext.ts';
export { consoleActor } from './consoleActor.ts';
export { ConsoleAccess } from './policy.ts';
