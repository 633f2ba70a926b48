export { Crew, type KickoffOptions } from './crew.ts';
export type { CrewEvent, CrewEventType, CrewEventListener } from './events.ts';
export type { CrewOutput, TaskOutput, Usage } from './output.ts';
export { parseRunState, RUN_STATE_VERSION, type RunState } from './runState.ts';
export type { RunEnvironment, RunHooks, CheckpointSink } from './runContext.ts';
export type * from './spec.ts';
export * from './errors.ts';
export { defineProcess, type CustomProcess, type ProcessControls, type RunTaskOptions } from './customProcess.ts';
