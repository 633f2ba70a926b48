import { SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ASK_TOOL, DELEGATE_TOOL } from '../engine/delegationTools.ts';
import type { CrewEvent } from '../engine/events.ts';
import { ATTR, SPAN } from './spanNames.ts';

export interface PassTraceOptions {
  tracer: Tracer;
  /** Prompt and output text goes into spans only when set (CREWBOT_TRACE_CONTENT=1), redacted. */
  content?: ((text: string) => string) | undefined;
}

interface OpenTool {
  tool: string;
  span: Span;
}

/**
 * The spans of one pass over a run, derived from the engine's typed events: each task, each agent
 * working on it (coworkers under the delegating tool call), each turn of that agent, and the LLM
 * call and tool calls of each turn. Events name their task and agent, so parallel tasks nest right.
 */
export class PassTrace {
  readonly #tracer: Tracer;
  readonly #content: ((text: string) => string) | undefined;
  readonly #pass: Span;
  readonly #passContext: Context;
  readonly #tasks = new Map<string, Span>();
  readonly #agents = new Map<string, Span>();
  readonly #turns = new Map<string, { span: Span; index: number }>();
  readonly #turnCount = new Map<string, number>();
  readonly #llmCalls = new Map<string, Span>();
  readonly #tools = new Map<string, OpenTool[]>();

  /** `pass` is the pass's own span; `parent` the context it was started in (the job's or the run's). */
  constructor(options: PassTraceOptions, pass: Span, parent: Context) {
    this.#tracer = options.tracer;
    this.#content = options.content;
    this.#pass = pass;
    this.#passContext = trace.setSpan(parent, pass);
  }

  event(event: CrewEvent): void {
    const at = event.at;
    switch (event.type) {
      case 'crew_kickoff_started':
        this.#pass.setAttribute(ATTR.resumed, event.resumed);
        if (this.#content) this.#pass.setAttribute(ATTR.inputs, this.#content(JSON.stringify(event.inputs)));
        return;
      case 'task_started': {
        const span = this.#start(SPAN.task, this.#pass, at, { [ATTR.taskId]: event.taskId });
        if (this.#content) span.setAttribute(ATTR.taskDescription, this.#content(event.description));
        this.#tasks.set(event.taskId, span);
        return;
      }
      case 'task_completed': {
        const span = this.#tasks.get(event.taskId);
        if (span && this.#content) span.setAttribute(ATTR.taskOutput, this.#content(event.output.raw));
        this.#endTask(event.taskId, at);
        return;
      }
      case 'task_failed':
        this.#endTask(event.taskId, at, 'task_failed', event.error);
        return;
      case 'task_skipped':
        this.#endTask(event.taskId, at);
        return;
      case 'agent_execution_started':
        this.#startAgent(event.taskId, event.agent, this.#tasks.get(event.taskId) ?? this.#pass, at);
        return;
      case 'agent_execution_completed': {
        const span = this.#agents.get(key(event.taskId, event.agent));
        if (span && this.#content) span.setAttribute(ATTR.agentOutput, this.#content(event.output));
        this.#endAgent(key(event.taskId, event.agent), at);
        return;
      }
      case 'delegation_started': {
        // The coworker works inside the manager's delegation tool call.
        const parent = this.#openTools(event.taskId).findLast((open) => open.tool === DELEGATE_TOOL || open.tool === ASK_TOOL)?.span;
        this.#startAgent(event.taskId, event.coworker, parent ?? this.#tasks.get(event.taskId ?? '') ?? this.#pass, at);
        return;
      }
      case 'delegation_completed':
        this.#endAgent(key(event.taskId, event.coworker), at);
        return;
      case 'llm_call_started': {
        const agentKey = key(event.taskId, event.agent);
        const model = event.model ?? 'default';
        const span = this.#start(SPAN.llm(model), this.#nextTurn(agentKey, at), at, {
          [ATTR.genAiOperation]: 'chat',
          [ATTR.genAiSystem]: 'openai',
          [ATTR.genAiProvider]: 'openai',
          [ATTR.genAiRequestModel]: model,
        });
        this.#llmCalls.set(agentKey, span);
        return;
      }
      case 'llm_call_completed': {
        const span = this.#take(this.#llmCalls, key(event.taskId, event.agent));
        span?.setAttributes({
          [ATTR.genAiResponseModel]: event.model,
          [ATTR.genAiInputTokens]: event.usage.promptTokens,
          [ATTR.genAiOutputTokens]: event.usage.completionTokens,
          ...(event.usage.costUsd === undefined ? {} : { [ATTR.costUsd]: event.usage.costUsd }),
        });
        span?.end(at);
        return;
      }
      case 'llm_call_failed': {
        const span = this.#take(this.#llmCalls, key(event.taskId, event.agent));
        if (span) this.#fail(span, 'llm_call_failed', event.error, at);
        return;
      }
      case 'tool_usage_started': {
        const agentKey = key(event.taskId, event.agent);
        const parent = this.#turns.get(agentKey)?.span ?? this.#agents.get(agentKey) ?? this.#tasks.get(event.taskId ?? '') ?? this.#pass;
        const span = this.#start(SPAN.tool(event.tool), parent, at, { [ATTR.genAiOperation]: 'execute_tool', [ATTR.genAiToolName]: event.tool });
        if (this.#content) span.setAttribute(ATTR.genAiToolArguments, this.#content(event.arguments));
        this.#openTools(event.taskId).push({ tool: event.tool, span });
        return;
      }
      case 'tool_usage_finished': {
        const span = this.#takeTool(event.taskId, event.tool);
        if (!span) return;
        if (event.fromCache) span.setAttribute(ATTR.fromCache, true);
        if (this.#content) span.setAttribute(ATTR.genAiToolResult, this.#content(event.output));
        span.end(at);
        return;
      }
      case 'tool_usage_error': {
        const span = this.#takeTool(event.taskId, event.tool);
        if (span) this.#fail(span, 'tool_error', event.error, at);
        return;
      }
      case 'human_input_requested':
        (this.#tasks.get(event.taskId ?? '') ?? this.#pass).addEvent(
          'human_input_requested',
          { [ATTR.requestId]: event.request.id, [ATTR.requestKind]: event.request.kind },
          at,
        );
        return;
      case 'task_retry':
      case 'guardrail_failed':
      case 'loop_iteration':
      case 'lesson_learned':
        this.#tasks.get(event.taskId)?.addEvent(event.type, { [ATTR.taskId]: event.taskId }, at);
        return;
      case 'crew_kickoff_completed':
      case 'crew_kickoff_failed':
      case 'crew_planning_completed':
      case 'agent_reasoning_completed':
      case 'context_summarized':
      case 'task_allocated':
      case 'human_input_received':
      case 'crew_suspended':
      case 'crew_cancelled':
      // Streamed text is part of its LLM call's span, which records the whole answer's tokens.
      case 'llm_stream_chunk':
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  }

  /**
   * Ends the pass. Spans still open (a task waiting for a person, a step cut short by a drain or a
   * lost lease) end here, marked interrupted: the next pass, maybe in another process, continues.
   */
  end(status: string, failure?: string): void {
    const now = Date.now();
    for (const open of [...this.#tools.values()].flat()) open.span.setAttribute(ATTR.interrupted, true).end(now);
    for (const span of [...this.#llmCalls.values(), ...[...this.#turns.values()].map((turn) => turn.span), ...this.#agents.values(), ...this.#tasks.values()]) {
      span.setAttribute(ATTR.interrupted, true).end(now);
    }
    this.#pass.setAttribute(ATTR.runStatus, status);
    if (failure !== undefined) this.#fail(this.#pass, 'run_failed', failure, now);
    else this.#pass.end(now);
  }

  #start(name: string, parent: Span, at: number, attributes: Attributes): Span {
    return this.#tracer.startSpan(name, { startTime: at, attributes }, trace.setSpan(this.#passContext, parent));
  }

  #startAgent(taskId: string | undefined, role: string, parent: Span, at: number): void {
    const span = this.#start(SPAN.agent(role), parent, at, { [ATTR.genAiOperation]: 'invoke_agent', [ATTR.genAiAgentName]: role, ...(taskId ? { [ATTR.taskId]: taskId } : {}) });
    this.#agents.set(key(taskId, role), span);
  }

  /** An agent's turn is its LLM call and the tool calls it asks for; the next call starts the next turn. */
  #nextTurn(agentKey: string, at: number): Span {
    this.#take(this.#turns, agentKey)?.span.end(at);
    const agent = this.#agents.get(agentKey);
    // LLM calls outside an agent's work (planning, a manager's bookkeeping) hang off the pass or task.
    if (!agent) return this.#pass;
    const index = (this.#turnCount.get(agentKey) ?? 0) + 1;
    this.#turnCount.set(agentKey, index);
    const span = this.#start(SPAN.turn, agent, at, { [ATTR.turnIndex]: index });
    this.#turns.set(agentKey, { span, index });
    return span;
  }

  #endAgent(agentKey: string, at: number): void {
    this.#take(this.#turns, agentKey)?.span.end(at);
    this.#take(this.#agents, agentKey)?.end(at);
  }

  #endTask(taskId: string, at: number, errorType?: string, error?: string): void {
    for (const agentKey of [...this.#agents.keys()].filter((candidate) => candidate.startsWith(`${taskId}\u0000`))) this.#endAgent(agentKey, at);
    const span = this.#take(this.#tasks, taskId);
    if (!span) return;
    if (errorType) this.#fail(span, errorType, error ?? '', at);
    else span.end(at);
  }

  #openTools(taskId: string | undefined): OpenTool[] {
    const list = this.#tools.get(taskId ?? '') ?? [];
    this.#tools.set(taskId ?? '', list);
    return list;
  }

  #takeTool(taskId: string | undefined, tool: string): Span | undefined {
    const open = this.#openTools(taskId);
    const index = open.findIndex((candidate) => candidate.tool === tool);
    return index === -1 ? undefined : open.splice(index, 1)[0]!.span;
  }

  #take<T>(map: Map<string, T>, mapKey: string): T | undefined {
    const value = map.get(mapKey);
    map.delete(mapKey);
    return value;
  }

  /** Error messages can quote tool output or the model's words: only the kind goes in without content. */
  #fail(span: Span, errorType: string, message: string, at: number): void {
    span.setAttribute(ATTR.errorType, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, ...(this.#content ? { message: this.#content(message) } : {}) });
    span.end(at);
  }
}

function key(taskId: string | undefined, agent: string | undefined): string {
  return `${taskId ?? ''}\u0000${agent ?? ''}`;
}
