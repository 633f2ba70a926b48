import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { HumanRequest, Responder } from '../engine/humanRequest.ts';
import { carrierOf, contextOf, type TraceCarrier } from './traceCarrier.ts';
import { PassTrace } from './passTrace.ts';
import { ATTR, SPAN } from './spanNames.ts';

export interface RunTracingOptions {
  /** Put prompt and output text in spans (CREWBOT_TRACE_CONTENT=1). Off by default. */
  content?: boolean | undefined;
  /** Applied to any text that goes into a span. */
  redact?: ((text: string) => string) | undefined;
  /** Defaults to the global tracer provider's, a no-op until the SDK is started. */
  tracer?: Tracer | undefined;
}

interface RunRef {
  id: string;
  crew: string;
  trace?: TraceCarrier | undefined;
}

export interface KickoffTrace {
  /** Where the run's trace is rooted: stored with the run, so every later pass joins the same trace. */
  readonly carrier: TraceCarrier | undefined;
  end(error?: unknown): void;
}

/**
 * One trace per run, across processes and resumes: the kickoff's span is the root, its context is
 * kept in the run record and travels in every queue job, and each pass, each wait for a person and
 * everything the engine reports hang below it.
 */
export class RunTracing {
  readonly #tracer: Tracer;
  readonly #content: ((text: string) => string) | undefined;

  constructor(options: RunTracingOptions = {}) {
    this.#tracer = options.tracer ?? trace.getTracer('crewbot');
    const redact = options.redact ?? ((text: string) => text);
    this.#content = options.content ? redact : undefined;
  }

  kickoff(crew: string, runId: string, platform: string): KickoffTrace {
    const span = this.#tracer.startSpan(SPAN.kickoff, {
      kind: SpanKind.PRODUCER,
      attributes: { [ATTR.crew]: crew, [ATTR.platform]: platform, [ATTR.runId]: runId },
    });
    return {
      carrier: carrierOf(span),
      end: (error) => {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR }).setAttribute(ATTR.errorType, error instanceof Error ? error.name : 'error');
        span.end();
      },
    };
  }

  /** A pass over the run in this process, continuing `parent` (a queue job's context) or the run's root. */
  pass(run: RunRef, parent: TraceCarrier | undefined): PassTrace {
    const parentContext = contextOf(parent ?? run.trace);
    const span = this.#tracer.startSpan(
      SPAN.advance,
      { kind: parent ? SpanKind.CONSUMER : SpanKind.INTERNAL, attributes: { [ATTR.runId]: run.id, [ATTR.crew]: run.crew } },
      parentContext,
    );
    return new PassTrace({ tracer: this.#tracer, content: this.#content }, span, parentContext);
  }

  /**
   * The wait for a person, from the request to its answer. It is recorded when the answer comes
   * (the process that asked may be gone by then) and is the parent of the pass that continues.
   */
  answered(run: RunRef, request: HumanRequest, by: Responder, answer: string, timedOut: boolean, at: number): TraceCarrier | undefined {
    const span = this.#tracer.startSpan(
      SPAN.humanWait,
      {
        startTime: request.createdAt,
        attributes: {
          [ATTR.runId]: run.id,
          [ATTR.requestId]: request.id,
          [ATTR.requestKind]: request.kind,
          [ATTR.timedOut]: timedOut,
          ...(this.#content ? { [ATTR.answer]: this.#content(`${answer} (${by.name ?? by.userId})`) } : {}),
        },
      },
      contextOf(run.trace),
    );
    span.end(at);
    return carrierOf(span);
  }
}
