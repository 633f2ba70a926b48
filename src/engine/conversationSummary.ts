import { estimateTokens } from '../llm/contextWindows.ts';
import type { ChatMessage, ToolSpec } from '../llm/types.ts';
import type { AgentExecution } from './agentExecutor.ts';
import { ContextWindowExceededError } from './errors.ts';
import type { RunContext } from './runContext.ts';
import type { Conversation } from './runState.ts';

const SUMMARIZER =
  'You condense an agent\'s earlier work on a task so it can continue within its context window. ' +
  'Keep every fact, figure, name, source and decision it will need; drop repetition and filler. Write plain text.';
const SUMMARY_HEADER = 'Summary of your earlier work on this task (condensed to fit the context window):';
const CONDENSED_RESULT = '[This tool result was long; what matters in it is in the summary of your earlier work above.]';
/** Room for the summariser's own instructions. */
const INSTRUCTION_TOKENS = 200;

export interface SummaryTarget {
  /** Tokens the conversation must fit in afterwards. */
  budget: number;
  tools: ToolSpec[] | undefined;
  model: string;
}

/**
 * Replaces the turns between the task's opening and the latest turn, and the longest tool results
 * of the latest turn, by one summary (one LLM call, booked to the agent). The opening (the task's
 * description, expected output and context) and the latest turn's shape are kept, so the tool
 * calls still have their results. Throws ContextWindowExceededError when even that cannot fit.
 */
export async function summarizeConversation(ctx: RunContext, execution: AgentExecution, conversation: Conversation, target: SummaryTarget): Promise<void> {
  const { messages } = conversation;
  const agent = execution.site.agent;
  const before = estimateTokens(messages, target.tools);
  const headEnd = messages.findIndex((message) => message.role === 'user') + 1;
  const lastTurn = messages.findLastIndex((message) => message.role === 'assistant');
  const tailStart = lastTurn >= headEnd ? lastTurn : messages.length;
  const head = messages.slice(0, headEnd);
  const older = messages.slice(headEnd, tailStart);
  const tail = messages.slice(tailStart);

  const summaryTokens = Math.max(64, Math.min(1_000, Math.floor(target.budget / 4)));
  const placeholder: ChatMessage = { role: 'user', content: `${SUMMARY_HEADER}\n${'x'.repeat(summaryTokens * 4)}` };
  const condensed = new Set<number>();
  const longestFirst = tail
    .map((message, index) => ({ message, index }))
    .filter(({ message }) => message.role === 'tool')
    .sort((a, b) => (b.message.content ?? '').length - (a.message.content ?? '').length);
  for (const { index } of longestFirst) {
    if (estimateTokens([...head, placeholder, ...condense(tail, condensed)], target.tools) <= target.budget) break;
    condensed.add(index);
  }
  if (older.length === 0 && condensed.size === 0) throw tooLarge(agent.role, target, before);

  const pieces = [...older.map(describe), ...[...condensed].map((index) => describe(tail[index]!))];
  const inputChars = Math.max(400, (target.budget - summaryTokens - INSTRUCTION_TOKENS) * 4);
  const response = await ctx.callLlm(
    execution.site,
    {
      messages: [
        { role: 'system', content: SUMMARIZER },
        { role: 'user', content: `In at most ${Math.floor(summaryTokens * 0.75)} words, summarise:\n\n${fitPieces(pieces, inputChars)}` },
      ],
    },
    execution.signal,
  );
  const summary: ChatMessage = { role: 'user', content: `${SUMMARY_HEADER}\n${response.content?.trim() ?? ''}` };
  const next = [...head, summary, ...condense(tail, condensed)];
  const after = estimateTokens(next, target.tools);
  if (after > target.budget) throw tooLarge(agent.role, target, after);
  conversation.messages = next;
  ctx.emit({ type: 'context_summarized', taskId: execution.site.taskId, agent: agent.role, model: target.model, tokensBefore: before, tokensAfter: after });
  await ctx.checkpoint();
}

function condense(tail: ChatMessage[], indexes: Set<number>): ChatMessage[] {
  return tail.map((message, index) => (message.role === 'tool' && indexes.has(index) ? { ...message, content: CONDENSED_RESULT } : message));
}

function describe(message: ChatMessage): string {
  switch (message.role) {
    case 'system':
    case 'user':
      return `[${message.role}] ${message.content}`;
    case 'assistant': {
      const calls = (message.tool_calls ?? []).map((call) => `called ${call.name}(${call.arguments})`);
      return `[you] ${[message.content ?? '', ...calls].filter(Boolean).join('; ')}`;
    }
    case 'tool':
      return `[tool result] ${message.content}`;
    default: {
      const never: never = message;
      return String(never);
    }
  }
}

/** Every piece keeps its share of the room, from its start, so none is lost outright. */
function fitPieces(pieces: string[], maxChars: number): string {
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  if (total <= maxChars) return pieces.join('\n\n');
  return pieces
    .map((piece) => {
      const keep = Math.max(80, Math.floor((piece.length * maxChars) / total));
      return piece.length <= keep ? piece : `${piece.slice(0, keep)} […]`;
    })
    .join('\n\n');
}

function tooLarge(role: string, target: SummaryTarget, size: number): ContextWindowExceededError {
  return new ContextWindowExceededError(
    `${role}'s task does not fit ${target.model}'s context window even after summarising its earlier work: about ` +
      `${size.toLocaleString('en-US')} tokens for ${target.budget.toLocaleString('en-US')} available. The task's description, ` +
      'expected output and context are never cut: shorten them, give the task less context, or use a model with a larger window.',
  );
}
