import path from 'node:path';
import type { Config } from './config.ts';
import { listCrews, loadCrew, type LoadCrewOptions, type LoadedCrew } from './crews/index.ts';
import { DeferredLlm } from './llm/deferredLlm.ts';
import type { LlmClient } from './llm/types.ts';
import { Redactor } from './redactor.ts';
import type { Runner, RunnerOptions } from './runs/runner.ts';
import type { RunStore } from './runs/runStore.ts';
import type { BullRunQueue } from './runs/bullRunQueue.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from './tools/builtinTools.ts';
import { processMcpConnections } from './tools/mcp/mcpConnections.ts';
import { loadPriceTable } from './llm/prices.ts';
import type { TraceCarrier } from './telemetry/traceCarrier.ts';

/** What every surface needs to run crews, built once from the configuration. */
export interface Runtime {
  config: Config;
  /** Every secret in the configuration; add more (MCP header values) as they become known. */
  redactor: Redactor;
  llm: LlmClient;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
  listCrews(): ReturnType<typeof listCrews>;
  /**
   * The run store named by CREWBOT_STORE and a Runner on it. With CREWBOT_QUEUE set (and no
   * `schedule` given) the runner enqueues its work on BullMQ instead of advancing runs here.
   * `close` closes the queue and the store.
   */
  openRunner(options?: Partial<RunnerOptions>): Promise<OpenedRunner>;
}

export interface OpenedRunner {
  runner: Runner;
  store: RunStore;
  /** The BullMQ queue when CREWBOT_QUEUE is set and no `schedule` was given. */
  queue?: BullRunQueue | undefined;
  close(): Promise<void>;
}

export function createRuntime(config: Config, overrides: { llm?: LlmClient; cwd?: string } = {}): Runtime {
  const cwd = overrides.cwd ?? process.cwd();
  const redactor = redactorFor(config);
  // The SDK is imported on the first model call: list, validate, runs and show never need it.
  const llm =
    overrides.llm ??
    new DeferredLlm(async () => (await import('./llm/configuredLlm.ts')).llmFromConfig(config, redactor), config.OPENAI_MODEL);
  const loadOptions: LoadCrewOptions = {
    crewsDir: path.resolve(cwd, config.CREWBOT_CREWS_DIR),
    builtinTools: createBuiltinTools({
      serperApiKey: config.SERPER_API_KEY,
      serperApiUrl: config.SERPER_API_URL,
      fetchAllowPrivate: config.FETCH_ALLOW_PRIVATE,
      redactor,
    }),
    builtinAliases: BUILTIN_TOOL_ALIASES,
    mcp: { connections: processMcpConnections, urlHeaders: config.CREWBOT_MCP_HEADERS },
  };
  const load = (nameOrDir: string) => loadCrew(nameOrDir, loadOptions);
  return {
    config,
    redactor,
    llm,
    loadCrew: load,
    listCrews: () => listCrews(loadOptions),
    openRunner: async (options = {}) => {
      // Only a process that uses the queue loads BullMQ.
      const queue =
        config.CREWBOT_QUEUE && options.schedule === undefined
          ? new (await import('./runs/bullRunQueue.ts')).BullRunQueue(config.CREWBOT_QUEUE)
          : undefined;
      // The runner, learning, the store and tracing are imported here, not at start: `list` and `validate` need none of them.
      const [{ Runner }, { Learning }, { openRunStore }, { RunTracing }, { startTracingIfConfigured }] = await Promise.all([
        import('./runs/runner.ts'),
        import('./learning/learning.ts'),
        import('./runs/openRunStore.ts'),
        import('./telemetry/runTracing.ts'),
        import('./telemetry/tracingSetup.ts'),
      ]);
      const [store, prices, tracingExport] = await Promise.all([
        openRunStore(config.CREWBOT_STORE, { cwd, redactor }),
        loadPriceTable(config.CREWBOT_PRICES, cwd),
        startTracingIfConfigured(config),
      ]);
      const tracing = new RunTracing({ content: config.CREWBOT_TRACE_CONTENT, redact: (text) => redactor.redact(text) });
      const outputDir = path.resolve(cwd, config.CREWBOT_OUTPUT_DIR);
      const inputLimits = { maxInputChars: config.CREWBOT_MAX_INPUT_CHARS, maxTotalChars: config.CREWBOT_MAX_TOTAL_INPUT_CHARS };
      const schedule = queue ? (runId: string, work: string, trace?: TraceCarrier) => queue.enqueue({ runId, ...(trace ? { trace } : {}) }, work) : undefined;
      // A command that advances runs itself (`run`, `resume`) still arms request timeouts on the
      // fleet's queue, opened only when a run suspends with one.
      let timeoutQueue: Promise<BullRunQueue> | undefined;
      const queueForTimeouts = () =>
        (timeoutQueue ??= queue ? Promise.resolve(queue) : import('./runs/bullRunQueue.ts').then(({ BullRunQueue }) => new BullRunQueue(config.CREWBOT_QUEUE!)));
      const scheduleTimeout = config.CREWBOT_QUEUE
        ? async (runId: string, requestId: string, delayMs: number) =>
            (await queueForTimeouts()).enqueue({ runId, expire: requestId }, `timeout-${requestId}`, { delayMs })
        : undefined;
      const learning = new Learning({ store, llm });
      const runner = new Runner({ store, llm, loadCrew: load, learning, maxConcurrentRuns: config.CREWBOT_MAX_RUNS, leaseTtlMs: config.CREWBOT_LEASE_TTL_MS, outputDir, redactor, inputLimits, prices, tracing, ...(schedule ? { schedule } : {}), ...(scheduleTimeout ? { scheduleTimeout } : {}), ...options });
      return {
        store,
        runner,
        queue,
        close: async () => {
          await queue?.close();
          if (timeoutQueue && !queue) await (await timeoutQueue).close();
          await store.close();
          await tracingExport?.flush();
        },
      };
    },
  };
}

/** The secrets crewbot is configured with: never stored, shown, posted or logged in any spelling. */
export function redactorFor(config: Config): Redactor {
  return new Redactor([
    config.OPENAI_API_KEY,
    config.SERPER_API_KEY,
    config.SLACK_BOT_TOKEN,
    config.SLACK_SIGNING_SECRET,
    config.SLACK_APP_TOKEN,
    config.DISCORD_TOKEN,
  ]);
}
