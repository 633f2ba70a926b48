export { Agent, type AgentOptions } from './agent.ts';
export { Task, type TaskOptions, type TaskCondition } from './task.ts';
export { Crew, type KickoffOptions, type ResumeOptions, type RunOptions } from './crew.ts';
export type { CrewOptions } from './crewOptions.ts';
export { AGENT_DEFAULTS, TASK_DEFAULTS } from './defaults.ts';
export type { CrewEvent, CrewEventType, CrewEventListener } from './events.ts';
export type { CrewOutput, TaskOutput, Usage } from './output.ts';
export { parseRunState, RUN_STATE_VERSION, type RunState } from './runState.ts';
export type { RunEnvironment, RunHooks, CheckpointSink } from './runContext.ts';
export type { TaskFeedback, FeedbackListener } from './feedback.ts';
export {
  HumanAnswerSchema,
  type HumanAnswer,
  type HumanRequest,
  type HumanRequestKind,
  type RecordedAnswer,
  type Responder,
} from './humanRequest.ts';
export { answerRequest, describeAnswer, HumanAnswerError } from './answers.ts';
export { findCrewProblems, findReferenceProblems, type ReferenceProblem, type ReferenceSubject } from './references.ts';
export type * from './spec.ts';
export * from './errors.ts';
export { defineProcess, type CustomProcess, type ProcessControls, type RunTaskOptions } from './customProcess.ts';
