import type { LlmClient, LlmRequest, LlmResponse, ToolCall } from '../llm/types.ts';

/** What the scripted model answers: text, tool calls, or both. */
export interface ScriptedAnswer {
  content?: string | null;
  toolCalls?: Array<{ name: string; arguments: unknown }>;
  promptTokens?: number;
  completionTokens?: number;
}

export interface ScriptedLlmOptions {
  latencyMs?: number;
  /** Streams each answer's text to the caller in pieces of this many characters, as a streaming server would. */
  streamChunkChars?: number;
}

export type ScriptedAnswerFn = (request: LlmRequest, callIndex: number) => ScriptedAnswer;

/**
 * An in-process LlmClient that answers from a script, for testing crews without a server and for
 * measuring the engine alone. Every request is kept in `requests`.
 */
export class ScriptedLlm implements LlmClient {
  readonly requests: LlmRequest[] = [];
  #nextCallId = 0;

  constructor(
    private readonly answer: ScriptedAnswerFn,
    private readonly options: ScriptedLlmOptions = {},
  ) {}

  async chat(request: LlmRequest): Promise<LlmResponse> {
    const index = this.requests.length;
    this.requests.push(request);
    if (this.options.latencyMs) await delay(this.options.latencyMs, request.signal);
    const answer = this.answer(request, index);
    const toolCalls: ToolCall[] = (answer.toolCalls ?? []).map((call) => ({
      id: `scripted_${++this.#nextCallId}`,
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    }));
    const chunkChars = this.options.streamChunkChars;
    if (chunkChars && request.onTextDelta && answer.content) {
      for (let at = 0; at < answer.content.length; at += chunkChars) request.onTextDelta(answer.content.slice(at, at + chunkChars));
    }
    return {
      content: answer.content ?? null,
      toolCalls,
      usage: { promptTokens: answer.promptTokens ?? 0, completionTokens: answer.completionTokens ?? 0 },
      model: request.model ?? 'scripted',
    };
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      },
      { once: true },
    );
  });
}
