import { estimateTokens, isContextLengthRefusal, knownContextWindow, statedContextWindow } from '../llm/contextWindows.ts';
import { LlmRequestError } from '../llm/errors.ts';
import type { ToolSpec } from '../llm/types.ts';
import type { AgentExecution } from './agentExecutor.ts';
import { summarizeConversation } from './conversationSummary.ts';
import { ContextWindowExceededError } from './errors.ts';
import type { RunContext } from './runContext.ts';
import type { Conversation } from './runState.ts';

/** Share of the window a request may fill, leaving room for the answer (CrewAI uses the same ratio). */
export const CONTEXT_WINDOW_USAGE_RATIO = 0.85;

/**
 * Before a call: when the conversation would not fit the model's known window, older turns and
 * long tool results are summarised (respect_context_window, the default); with it off the run
 * fails here, before a request the server would refuse anyway.
 */
export async function fitContextWindow(ctx: RunContext, execution: AgentExecution, conversation: Conversation, tools: ToolSpec[] | undefined): Promise<void> {
  const agent = execution.site.agent;
  const model = modelOf(ctx, execution);
  const window = agent.contextWindow ?? (model ? knownContextWindow(model) : undefined);
  if (window === undefined) return;
  const size = estimateTokens(conversation.messages, tools);
  if (agent.respectContextWindow === false) {
    if (size > window) throw exceeded(agent.role, model, size, window);
    return;
  }
  const budget = Math.floor(window * CONTEXT_WINDOW_USAGE_RATIO);
  if (size > budget) await summarizeConversation(ctx, execution, conversation, { budget, tools, model: model ?? 'the default model' });
}

/**
 * After a call failed: when the server refused it as too long (`context_length_exceeded`), the
 * conversation is summarised to fit and true is returned so the call is made again.
 */
export async function recoverFromContextRefusal(
  ctx: RunContext,
  execution: AgentExecution,
  conversation: Conversation,
  tools: ToolSpec[] | undefined,
  error: unknown,
): Promise<boolean> {
  if (!(error instanceof LlmRequestError) || !isContextLengthRefusal(error.code, error.serverMessage)) return false;
  const agent = execution.site.agent;
  const model = modelOf(ctx, execution);
  const size = estimateTokens(conversation.messages, tools);
  const stated = statedContextWindow(error.serverMessage);
  if (agent.respectContextWindow === false) throw exceeded(agent.role, model, size, stated);
  // Always well below what was refused, so a server that counts more tokens than the estimate
  // cannot keep the run summarising in a loop: each refusal shrinks the target, until it cannot fit.
  const shrunk = Math.floor(size * (stated ? 0.75 : 0.5));
  const budget = stated ? Math.min(Math.floor(stated * CONTEXT_WINDOW_USAGE_RATIO), shrunk) : shrunk;
  await summarizeConversation(ctx, execution, conversation, { budget, tools, model: model ?? 'the default model' });
  return true;
}

function modelOf(ctx: RunContext, execution: AgentExecution): string | undefined {
  return execution.site.agent.llm ?? ctx.env.llm.defaultModel;
}

function exceeded(role: string, model: string | undefined, size: number, window: number | undefined): ContextWindowExceededError {
  const limit = window === undefined ? 'its context window' : `its context window of ${window.toLocaleString('en-US')} tokens`;
  return new ContextWindowExceededError(
    `${role}'s next request to ${model ?? 'the default model'} is about ${size.toLocaleString('en-US')} tokens, more than ${limit}, ` +
      'and respect_context_window is false. Set respect_context_window: true in agents.yaml to summarise older turns, ' +
      'or use a model with a larger window (context_window: sets the size crewbot assumes).',
  );
}
