/** CrewAI's defaults, shared by crew files and crews written in code. */
export const AGENT_DEFAULTS = {
  allowDelegation: false,
  /** When reached the agent is asked once for its best final answer. */
  maxIter: 25,
  verbose: false,
} as const;

export const TASK_DEFAULTS = {
  asyncExecution: false,
  humanInput: false,
  markdown: false,
  guardrailMaxRetries: 3,
  priority: 0,
} as const;

/** How many times a loop sends the run back at most, unless it says otherwise. */
export const LOOP_MAX_DEFAULT = 3;
