import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { DEFAULT_INPUT_LIMITS } from './runs/inputLimits.ts';

const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** CREWBOT_MCP_HEADERS: JSON, `{"<server URL or origin>": {"Header": "value"}}`, for agents.yaml `mcps:` URLs. */
const mcpHeaders = z
  .string()
  .optional()
  .transform((value, context) => {
    if (!value?.trim()) return {};
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'CREWBOT_MCP_HEADERS must be JSON such as {"https://mcp.example.com": {"Authorization": "Bearer ..."}}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.record(z.string(), z.string()), { error: 'CREWBOT_MCP_HEADERS must map server URLs to objects of header names and values' }));

/** crewbot exports traces over HTTP; gRPC would pull in a much larger client. */
function otlpProtocol(name: string) {
  return optionalText.pipe(
    z.enum(['http/protobuf', 'http/json'], { error: `${name} must be http/protobuf (the default) or http/json; crewbot does not export over grpc, point it at the collector's HTTP port (4318)` }).optional(),
  );
}

/** The model settings: all the package needs to run a crew written in code. */
const LlmEnvSchema = z.object({
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url({ message: 'OPENAI_BASE_URL must be a URL such as http://localhost:11434/v1' }).optional()),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
});

export type LlmConfig = z.infer<typeof LlmEnvSchema>;

const EnvSchema = LlmEnvSchema.extend({
  SERPER_API_KEY: optionalText,
  SERPER_API_URL: optionalText.pipe(z.url({ message: 'SERPER_API_URL must be a URL' }).optional()),
  FETCH_ALLOW_PRIVATE: flag,
  CREWBOT_MCP_HEADERS: mcpHeaders,
  CREWBOT_PRICES: optionalText,
  CREWBOT_CREWS_DIR: z.string().trim().min(1).default('crews'),
  CREWBOT_STORE: z.string().trim().min(1).default('sqlite://.crewbot/crewbot.sqlite'),
  CREWBOT_MAX_RUNS: z.coerce.number().int().positive().default(8),
  /** Empty: runs advance in this process. redis://…: run work goes to BullMQ for `crewbot worker`s. */
  CREWBOT_QUEUE: optionalText,
  /** How long a run's lease lasts without renewal: a dead process's runs are taken over after this. */
  CREWBOT_LEASE_TTL_MS: z.coerce.number().int().min(100).default(30_000),
  CREWBOT_OUTPUT_DIR: z.string().trim().min(1).default('output'),
  CREWBOT_MAX_INPUT_CHARS: z.coerce.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxInputChars),
  CREWBOT_MAX_TOTAL_INPUT_CHARS: z.coerce.number().int().positive().default(DEFAULT_INPUT_LIMITS.maxTotalChars),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalText.pipe(z.url({ message: 'SLACK_API_URL must be a URL such as https://slack.com/api/' }).optional()),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DISCORD_TOKEN: optionalText,
  CREWBOT_WEBHOOK_MAX_BYTES: z.coerce.number().int().positive().default(1_048_576),
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_API_URL: optionalText.pipe(z.url({ message: 'DISCORD_API_URL must be a URL such as https://discord.com/api' }).optional()),
  /** OpenTelemetry's standard variables: traces are exported over OTLP/HTTP only when an endpoint is set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.pipe(z.url({ message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be a URL such as http://localhost:4318' }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalText.pipe(z.url({ message: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be a URL such as http://localhost:4318/v1/traces' }).optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol('OTEL_EXPORTER_OTLP_PROTOCOL'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'),
  OTEL_SERVICE_NAME: optionalText,
  /** Prompt and output text in spans: off unless asked for, as traces often go to shared tools. */
  CREWBOT_TRACE_CONTENT: flag,
});

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once (with .env from the working directory, which never overrides real variables). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: boolean } = {}): Config {
  if (options.dotenv ?? true) loadDotenv({ quiet: true });
  return parseEnv(EnvSchema, env);
}

/** Only the OPENAI_* settings, read from `env` as it is (no .env file): what a crew in code runs with by default. */
export function loadLlmConfig(env: NodeJS.ProcessEnv): LlmConfig {
  return parseEnv(LlmEnvSchema, env);
}

function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `- ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment (see .env.example):\n${lines.join('\n')}`);
  }
  return parsed.data;
}
