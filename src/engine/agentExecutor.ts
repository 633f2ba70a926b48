import type { ChatMessage, LlmResponse, ToolCall } from '../llm/types.ts';
import type { Tool } from '../tools/defineTool.ts';
import { expandTools, type AgentTool } from '../tools/toolSet.ts';
import { describeAnswer } from './answers.ts';
import { errorMessage } from './errors.ts';
import { HumanInputRequired } from './humanRequest.ts';
import { EMPTY_ANSWER_NUDGE, FINAL_ANSWER_NOW } from './prompts.ts';
import { callWithDeadline, DEFAULT_TOOL_TIMEOUT_MS, ToolCallInterruptedError } from './toolDeadline.ts';
import type { CallSite, RunContext } from './runContext.ts';
import type { Conversation } from './runState.ts';
import { fitContextWindow, recoverFromContextRefusal } from './contextWindow.ts';
import { cachedToolResult, recordToolResult, toolCacheKey } from './toolCache.ts';

/** Tool output beyond this is cut (with a marker) so one page cannot flood the context window. */
const MAX_TOOL_RESULT_CHARS = 30_000;

export interface AgentExecution {
  /** Key of the conversation in RunState.conversations. */
  key: string;
  site: CallSite & { agent: CallSite['agent'] & { maxIter: number } };
  tools: AgentTool[];
  /** Messages a new conversation starts with. */
  opening: () => ChatMessage[];
  signal?: AbortSignal | undefined;
}

/**
 * The agent loop: LLM ↔ tools until the model answers without calling a tool. Driven only by
 * the conversation's last message, so a run restored from any checkpoint continues where it stopped.
 */
export async function runAgentLoop(ctx: RunContext, execution: AgentExecution): Promise<string> {
  const conversation = openConversation(ctx, execution);
  for (;;) {
    ctx.throwIfCancelled();
    // Read each turn: an MCP server's tool list may change while the agent works.
    const tools = await expandTools(execution.tools);
    const toolsByName = new Map(tools.map((tool) => [tool.name, tool]));
    // Tool calls of the latest turn that have no result yet run first: a run may have stopped
    // between two results of one batch (a crash, or a person still to approve one of them).
    const unanswered = unansweredCalls(conversation.messages);
    if (unanswered.length > 0) {
      await runToolCalls(ctx, execution, conversation, toolsByName, unanswered);
      continue;
    }
    const last = conversation.messages.at(-1);
    if (last?.role === 'assistant' && !last.tool_calls?.length) {
      if (last.content?.trim()) return last.content;
      conversation.messages.push({ role: 'user', content: EMPTY_ANSWER_NUDGE });
    }
    await callModel(ctx, execution, conversation, tools);
  }
}

function openConversation(ctx: RunContext, execution: AgentExecution): Conversation {
  const existing = ctx.state.conversations[execution.key];
  if (existing) return existing;
  const conversation: Conversation = {
    agent: execution.site.agent.role,
    messages: execution.opening(),
    iterations: 0,
  };
  ctx.state.conversations[execution.key] = conversation;
  return conversation;
}

async function callModel(ctx: RunContext, execution: AgentExecution, conversation: Conversation, tools: Tool[]): Promise<void> {
  const outOfSteps = conversation.iterations >= execution.site.agent.maxIter;
  if (outOfSteps && !isFinalAnswerDemand(conversation.messages.at(-1))) {
    conversation.messages.push({ role: 'user', content: FINAL_ANSWER_NOW });
  }
  const offerTools = !outOfSteps && tools.length > 0;
  const toolSpecs = offerTools ? tools.map((tool) => tool.spec()) : undefined;
  await fitContextWindow(ctx, execution, conversation, toolSpecs);
  let response: LlmResponse;
  try {
    response = await ctx.callLlm(execution.site, { messages: conversation.messages, tools: toolSpecs }, execution.signal);
  } catch (error) {
    // Summarised to fit: the agent loop makes the call again.
    if (await recoverFromContextRefusal(ctx, execution, conversation, toolSpecs, error)) return;
    throw error;
  }
  conversation.iterations += 1;
  // Once out of steps the answer is final even if the model still asks for tools.
  const toolCalls = outOfSteps ? [] : response.toolCalls;
  conversation.messages.push({
    role: 'assistant',
    content: outOfSteps ? (response.content ?? '') : response.content,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  });
  await ctx.checkpoint();
}

function isFinalAnswerDemand(message: ChatMessage | undefined): boolean {
  return message?.role === 'user' && message.content === FINAL_ANSWER_NOW;
}

function unansweredCalls(messages: ChatMessage[]): ToolCall[] {
  const turn = messages.findLastIndex((message) => message.role === 'assistant');
  const assistant = messages[turn];
  if (assistant?.role !== 'assistant' || !assistant.tool_calls?.length) return [];
  const answered = new Set<string>();
  for (const message of messages.slice(turn + 1)) if (message.role === 'tool') answered.add(message.tool_call_id);
  return assistant.tool_calls.filter((call) => !answered.has(call.id));
}

/**
 * Parallel tool calls run concurrently; each result is checkpointed as it arrives. A call that
 * waits for a person leaves no result, so it runs again (and finds its answer) when the run resumes.
 */
async function runToolCalls(
  ctx: RunContext,
  execution: AgentExecution,
  conversation: Conversation,
  toolsByName: Map<string, Tool>,
  calls: ToolCall[],
): Promise<void> {
  const settled = await Promise.allSettled(
    calls.map(async (call) => {
      const content = await runOneTool(ctx, execution, toolsByName, call);
      conversation.messages.push({ role: 'tool', tool_call_id: call.id, content });
      await ctx.checkpoint();
    }),
  );
  const stopped = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (stopped) throw stopped.reason;
}

/** Unknown tools, bad arguments and tool exceptions become the observation; they never end the run. */
async function runOneTool(
  ctx: RunContext,
  execution: AgentExecution,
  toolsByName: Map<string, Tool>,
  call: ToolCall,
): Promise<string> {
  const { taskId } = execution.site;
  const agent = execution.site.agent.role;
  ctx.emit({ type: 'tool_usage_started', taskId, agent, tool: call.name, arguments: call.arguments });
  const tool = toolsByName.get(call.name);
  if (!tool) {
    const available = [...toolsByName.keys()];
    const error = `Tool "${call.name}" does not exist. ${
      available.length ? `Available tools: ${available.join(', ')}.` : 'No tools are available: answer directly.'
    }`;
    ctx.emit({ type: 'tool_usage_error', taskId, agent, tool: call.name, error });
    return `Error: ${error}`;
  }
  const slot = `${execution.key}/${call.id}`;
  const needsApproval = tool.requiresApproval || (ctx.spec.requireApproval?.includes(tool.name) ?? false);
  const cacheKey = toolCacheKey(ctx, execution.site.agent, tool, call.arguments, needsApproval);
  const cached = cachedToolResult(ctx, cacheKey);
  if (cached !== undefined) {
    ctx.emit({ type: 'tool_usage_finished', taskId, agent, tool: call.name, output: cached, fromCache: true });
    return cached;
  }
  if (needsApproval) {
    const { answer, by } = await ctx.requireHuman({
      slot: `${slot}/approval`,
      kind: 'approval',
      taskId,
      agent,
      tool: tool.name,
      arguments: call.arguments,
    });
    if (answer.type === 'deny') {
      // The reason is a person's words, often without a full stop; the sentence after it needs one.
      const why = answer.reason ? ` Reason: ${sentence(answer.reason)}` : '';
      const error = `${by.name ?? by.userId} denied this call to ${tool.name}.${why} Do not retry it with the same arguments; continue without it or ask for guidance.`;
      ctx.emit({ type: 'tool_usage_error', taskId, agent, tool: call.name, error, denied: true });
      return `Error: ${error}`;
    }
  }
  try {
    // Raced against the run's signal, max_execution_time and the tool's timeout: a call that never
    // settles cannot hang the run, its queue slot or the process's shutdown.
    const timeoutMs = tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    const result = await callWithDeadline(tool.name, timeoutMs, execution.signal ?? ctx.env.signal, (signal) =>
      tool.invoke(call.arguments, {
        runId: ctx.runId,
        taskId,
        agentRole: agent,
        toolCallId: call.id,
        signal,
        askHuman: async (question) => {
          const { answer } = await ctx.requireHuman({ slot: `${slot}/question`, kind: 'question', taskId, agent, question });
          return answer.type === 'answer' ? answer.text : describeAnswer(answer);
        },
      }),
    );
    const output = capToolResult(result);
    recordToolResult(ctx, cacheKey, output);
    ctx.emit({ type: 'tool_usage_finished', taskId, agent, tool: call.name, output });
    return output;
  } catch (error) {
    if (error instanceof HumanInputRequired) throw error;
    ctx.throwIfCancelled();
    // max_execution_time ran out during the call: the task fails (naming the tool), not the tool.
    if (error instanceof ToolCallInterruptedError) throw error;
    const message = errorMessage(error);
    ctx.emit({ type: 'tool_usage_error', taskId, agent, tool: call.name, error: message });
    return `Error: ${message}`;
  }
}

function capToolResult(output: string): string {
  if (output.length <= MAX_TOOL_RESULT_CHARS) return output;
  return `${output.slice(0, MAX_TOOL_RESULT_CHARS)}\n[tool output truncated at ${MAX_TOOL_RESULT_CHARS} characters]`;
}

/** Text ending as a sentence does: a full stop unless it already ends with one, ? or !. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]["')\]]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
