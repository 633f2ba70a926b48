import type { Config } from '../config.ts';

export interface StartedTracing {
  /** Sends the spans still buffered; a CLI command calls it before it exits. */
  flush(): Promise<void>;
}

let started: Promise<StartedTracing> | undefined;

/**
 * Starts exporting traces once per process when an OTLP endpoint is configured. The SDK and the
 * exporter are imported only then: commands and processes without tracing never load them.
 */
export function startTracingIfConfigured(config: Config): Promise<StartedTracing> | undefined {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT && !config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  started ??= import('./otlpTracing.ts').then(({ startOtlpTracing }) =>
    startOtlpTracing({
      protocol: config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
      serviceName: config.OTEL_SERVICE_NAME ?? 'crewbot',
    }),
  );
  return started;
}
