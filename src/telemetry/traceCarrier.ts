import { context, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import { z } from 'zod';

/**
 * W3C trace context (`traceparent`, `tracestate`) as plain strings: how a run's trace crosses a
 * process boundary, in a BullMQ job's data and in the run record. Empty when tracing is off.
 */
export const TraceCarrierSchema = z.record(z.string(), z.string());
export type TraceCarrier = z.infer<typeof TraceCarrierSchema>;

/** The carrier for `span`, or undefined when no propagator is registered (tracing is off). */
export function carrierOf(span: Span): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** The context a carrier names, to start child spans in; the root context when there is none. */
export function contextOf(carrier: TraceCarrier | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier) : context.active();
}
