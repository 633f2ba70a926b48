import path from 'node:path';
import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RunTracing } from '../../src/telemetry/runTracing.ts';
import { startRunnerHarness, type RunnerHarness } from '../support/runnerHarness.ts';

const CREWS = path.resolve('test/fixtures/fault-crews');
const ada = { platform: 'slack' as const, userId: 'U_ADA', name: 'Ada' };
/** What the model and the tool say: never in a span unless content tracing is on. */
const FINAL_ANSWER = 'Refunded order 42 for the customer, 30 EUR back on their card.';
const TOOL_OUTPUT = 'paid, 30 EUR';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
beforeAll(() => {
  // What the SDK registers when OTEL_EXPORTER_OTLP_ENDPOINT is set, with spans kept in memory.
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

/** Spans are exported asynchronously, even by the simple processor. */
const finishedSpans = async () => {
  await provider.forceFlush();
  return exporter.getFinishedSpans();
};
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const textOf = (spans: ReadableSpan[]) =>
  JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));

describe('one trace per run: kickoff, passes, tasks, agent turns, LLM and tool calls, the wait for a person', () => {
  let h: RunnerHarness;
  afterEach(async () => {
    await h.close();
    exporter.reset();
  });

  /** Looks an order up, asks to refund it (a person approves), refunds it and answers. */
  const refundRun = async () => {
    h.server.enqueue(
      { toolCalls: [{ name: 'look_up_order', arguments: { order: 42 } }] },
      { toolCalls: [{ name: 'issue_refund', arguments: { order: 42 } }] },
      { content: FINAL_ANSWER },
    );
    const run = (await h.runner.kickoff({ crew: 'refund_crew', inputs: {}, requester: ada }))!;
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('awaiting_input');
    await h.runner.answer(run.id, { answer: { type: 'approve' }, actor: { platform: 'slack', userId: 'U_ADA', name: 'Ada' } });
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('completed');
    return run;
  };

  it('parents every span of a run that waits for a person into one tree with GenAI attributes, and leaks no content', async () => {
    h = await startRunnerHarness(CREWS);
    const run = await refundRun();
    const spans = await finishedSpans();
    const named = (name: string) => spans.filter((span) => span.name === name);
    const one = (name: string) => {
      expect(named(name), name).toHaveLength(1);
      return named(name)[0]!;
    };

    // One trace, rooted at the kickoff; the run record keeps the root's context for later passes.
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
    const kickoff = one('crewbot.kickoff');
    expect(parentOf(kickoff)).toBeUndefined();
    expect(kickoff.kind).toBe(SpanKind.PRODUCER);
    expect(kickoff.attributes).toMatchObject({ 'crewbot.run.id': run.id, 'crewbot.crew': 'refund_crew', 'crewbot.platform': 'slack' });
    expect((await h.store.getRun(run.id))?.trace?.traceparent).toContain(kickoff.spanContext().spanId);

    // Two passes: the first continues the kickoff and stops at the approval; the wait for Ada,
    // from the request to her answer, parents the second.
    const [first, second] = named('crewbot.advance').sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(parentOf(first!)).toBe(idOf(kickoff));
    expect(first!.attributes).toMatchObject({ 'crewbot.run.status': 'awaiting_input', 'crewbot.run.resumed': false });
    const wait = one('crewbot.human_wait');
    expect(parentOf(wait)).toBe(idOf(kickoff));
    expect(wait.attributes).toMatchObject({ 'crewbot.request.kind': 'approval', 'crewbot.request.timed_out': false });
    expect(parentOf(second!)).toBe(idOf(wait));
    expect(second!.attributes).toMatchObject({ 'crewbot.run.status': 'completed', 'crewbot.run.resumed': true });

    // In each pass: the task, the agent working on it, its turns; each turn's LLM call and tool calls.
    const tasks = named('crewbot.task');
    expect(tasks.map((task) => parentOf(task)).sort()).toEqual([idOf(first!), idOf(second!)].sort());
    expect(tasks.every((task) => task.attributes['crewbot.task.id'] === 'refund_task')).toBe(true);
    const firstTask = tasks.find((task) => parentOf(task) === idOf(first!))!;
    expect(firstTask.events.map((event) => event.name)).toContain('human_input_requested');
    expect(firstTask.attributes['crewbot.interrupted']).toBe(true);
    const agents = named('invoke_agent Support Agent');
    expect(agents.map((agent) => parentOf(agent)).sort()).toEqual(tasks.map(idOf).sort());
    expect(agents[0]!.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'Support Agent' });

    const turns = named('crewbot.agent.turn');
    const chats = spans.filter((span) => span.name.startsWith('chat '));
    expect(chats).toHaveLength(3);
    for (const chat of chats) {
      expect(turns.map(idOf)).toContain(parentOf(chat));
      expect(chat.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' });
      expect(chat.attributes['gen_ai.request.model']).toEqual(expect.any(String));
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }
    const lookUp = one('execute_tool look_up_order');
    expect(lookUp.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'look_up_order' });
    const lookUpTurn = turns.find((turn) => idOf(turn) === parentOf(lookUp))!;
    expect(chats.some((chat) => parentOf(chat) === idOf(lookUpTurn))).toBe(true);
    // The refund asked for approval in the first pass (its span ends there, interrupted) and ran
    // in the second, after Ada's answer, before that pass's first turn.
    const refunds = named('execute_tool issue_refund');
    expect(refunds.map((span) => span.attributes['crewbot.interrupted'] === true)).toEqual([true, false]);
    const secondAgent = agents.find((agent) => parentOf(agent) !== idOf(firstTask))!;
    expect(parentOf(refunds[1]!)).toBe(idOf(secondAgent));

    // No prompt, tool or output text by default.
    const all = textOf(spans);
    for (const content of [FINAL_ANSWER, TOOL_OUTPUT, 'Refund order 42 if it was paid', '"order":42']) expect(all).not.toContain(content);
  });

  it('puts redacted prompt, tool and output text in spans only with CREWBOT_TRACE_CONTENT=1', async () => {
    const secret = 'sk-live-do-not-trace-1234567890';
    h = await startRunnerHarness(CREWS, {
      tracing: new RunTracing({ content: true, redact: (text) => text.replaceAll(secret, '[redacted]') }),
    });
    h.server.enqueue(
      { toolCalls: [{ name: 'look_up_order', arguments: { order: 42 } }] },
      { content: `Order 42 is paid; key ${secret} stays out of traces.` },
    );
    const run = (await h.runner.kickoff({ crew: 'refund_crew', inputs: {}, requester: ada }))!;
    await h.runner.idle();
    expect((await h.store.getRun(run.id))?.status).toBe('completed');
    const spans = await finishedSpans();
    const tool = spans.find((span) => span.name === 'execute_tool look_up_order')!;
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.call.arguments': '{"order":42}' });
    expect(tool.attributes['gen_ai.tool.call.result']).toContain(TOOL_OUTPUT);
    const task = spans.find((span) => span.name === 'crewbot.task')!;
    expect(task.attributes['crewbot.task.description']).toContain('Refund order 42 if it was paid');
    expect(task.attributes['crewbot.task.output']).toContain('Order 42 is paid; key [redacted]');
    expect(textOf(spans)).not.toContain(secret);
  });
});
