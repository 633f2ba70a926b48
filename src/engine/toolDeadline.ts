/** How long a tool call may run when its tool names no limit of its own. */
export const DEFAULT_TOOL_TIMEOUT_MS = 120_000;

/** A tool call ran past its tool's timeout and was abandoned; the agent is told and carries on. */
export class ToolTimeoutError extends Error {
  override name = 'ToolTimeoutError';
  constructor(
    readonly tool: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Tool ${tool} did not finish within its timeout of ${formatMs(timeoutMs)} and was stopped. ` +
        'Try it again with smaller or different arguments, or continue without it.',
    );
  }
}

/** The run or its task stopped (cancel, max_execution_time, lease lost) while a tool call ran. */
export class ToolCallInterruptedError extends Error {
  override name = 'ToolCallInterruptedError';
  constructor(
    readonly tool: string,
    cause: unknown,
  ) {
    super(`Tool ${tool} was stopped before it finished: the run or its task was stopped.`, { cause });
  }
}

/**
 * Runs a tool call raced against the caller's signal and the tool's own timeout. The call gets a
 * signal that aborts on either, so a tool that listens stops its work; one that never settles is
 * abandoned and can hold nothing up. The timer is not unref'd on purpose: a pending tool call is
 * real work, and the process must stay up to see it time out rather than exit with the run unfinished.
 */
export async function callWithDeadline<T>(
  tool: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(new ToolCallInterruptedError(tool, signal?.reason));
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new ToolTimeoutError(tool, timeoutMs)), timeoutMs);
  const stopped = new Promise<never>((_, reject) => {
    const fail = () => reject(controller.signal.reason);
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  try {
    return await Promise.race([call(controller.signal), stopped]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // The abandoned race's rejection is expected once the call has won or lost.
    stopped.catch(() => undefined);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
