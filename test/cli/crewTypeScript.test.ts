import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEnvironment, type CliEnvironment } from '../support/cliEnvironment.ts';
import { loadedModules } from '../support/loadedModules.ts';
import { lastJsonLine, runCli } from '../support/runCli.ts';

const CREWS = path.resolve('test/fixtures/typescript-crews');
const CLI_CREWS = path.resolve('test/fixtures/cli-crews');

/** Preloaded into the command: writes every module it resolves to CREWBOT_IMPORTS_LOG. */
const RECORD_IMPORTS =
  'data:text/javascript,' +
  encodeURIComponent(`
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(\`
      import { appendFileSync } from 'node:fs';
      export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        appendFileSync(process.env.CREWBOT_IMPORTS_LOG, resolved.url + '\\\\n');
        return resolved;
      }\`));
  `);

describe('the compiled crewbot command and TypeScript', () => {
  let cli: CliEnvironment;
  let logDir: string;
  beforeAll(async () => {
    cli = await startCliEnvironment(CREWS);
    logDir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-imports-'));
  });
  afterAll(async () => {
    await cli.close();
    await rm(logDir, { recursive: true, force: true });
  });

  it("runs a crew whose tools.ts needs a TypeScript compiler (an enum), loading it on demand", async () => {
    cli.server.enqueue({ toolCalls: [{ name: 'find_shelf', arguments: { item: 'bread' } }] });
    cli.server.setDefault((req) => ({ content: `Shelf ${req.messages.at(-1)?.content as string}` }));
    const result = await runCli(['run', 'shelf', '--input', 'item=bread', '--json'], cli.env);
    expect(result.code, result.stderr).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ status: 'completed', output: 'Shelf B2' });
  });

  it('lists crews without loading Slack, Discord, a Redis client, the model SDK, the tracing SDK or a TypeScript loader', async () => {
    const log = path.join(logDir, 'imports.log');
    const result = await runCli(['list'], {
      ...cli.env,
      CREWBOT_CREWS_DIR: CLI_CREWS,
      CREWBOT_IMPORTS_LOG: log,
      NODE_OPTIONS: `--import=${RECORD_IMPORTS}`,
      // Tracing configured: still only the commands that run crews load its SDK.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/greeter — Greets a guest/);
    const loaded = await loadedModules((await readFile(log, 'utf8')).split('\n'));
    expect(loaded).toContain('dist/cli/listCommand.js');
    const clients = ['@slack/bolt', 'discord.js', 'keyv', '@keyv/redis', '@keyv/sqlite', 'openai', 'tsx', 'html-to-text'];
    const tracingSdk = ['@opentelemetry/api', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources'];
    for (const heavy of [...clients, ...tracingSdk]) {
      expect(loaded.filter((file) => file.startsWith(`node_modules/${heavy}/`)), heavy).toEqual([]);
    }
  });

  it("lists a crew that ships tools.ts without running the file, and validate still checks its tool names", async () => {
    const log = path.join(logDir, 'imports-typescript.log');
    const listed = await runCli(['list'], { ...cli.env, CREWBOT_IMPORTS_LOG: log, NODE_OPTIONS: `--import=${RECORD_IMPORTS}` });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^shelf/m);
    expect(listed.stdout).toContain('--input item=');
    expect(listed.stdout).not.toContain('invalid');
    const loaded = await loadedModules((await readFile(log, 'utf8')).split('\n'));
    expect(loaded.filter((file) => file.endsWith('/shelf/tools.ts'))).toEqual([]);
    expect(loaded.filter((file) => file.startsWith('node_modules/tsx/'))).toEqual([]);

    // The listing takes tools.ts's names on trust; validate runs the file and names a tool it lacks.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-shelf-'));
    try {
      await cp(path.join(CREWS, 'shelf'), path.join(dir, 'shelf'), { recursive: true });
      const agents = path.join(dir, 'shelf', 'agents.yaml');
      await writeFile(agents, (await readFile(agents, 'utf8')).replace('find_shelf', 'find_shelves'));
      const listedAgain = await runCli(['list'], { ...cli.env, CREWBOT_CREWS_DIR: dir });
      expect(listedAgain.stdout).not.toContain('invalid');
      const validated = await runCli(['validate', path.join(dir, 'shelf')], { ...cli.env, CREWBOT_CREWS_DIR: dir });
      expect(validated.code).toBe(2);
      expect(validated.stderr + validated.stdout).toMatch(/"find_shelves" is not a tool/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
