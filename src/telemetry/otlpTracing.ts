import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { StartedTracing } from './tracingSetup.ts';

export interface OtlpTracingOptions {
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
}

/**
 * The OpenTelemetry SDK with the OTLP/HTTP exporter, registered as the process's tracer provider
 * and W3C propagator. The exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself
 * (endpoint, headers, timeout); the service name and resource attributes come from OTEL_* too.
 */
export async function startOtlpTracing(options: OtlpTracingOptions): Promise<StartedTracing> {
  const exporter: SpanExporter =
    options.protocol === 'http/json'
      ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
      : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return { flush: () => provider.forceFlush() };
}
