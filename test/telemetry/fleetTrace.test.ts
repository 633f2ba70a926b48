import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BullRunQueue } from '../../src/runs/bullRunQueue.ts';
import { startOtlpReceiver } from '../support/otlpReceiver.ts';
import { lastJsonLine, runCli, startCli } from '../support/runCli.ts';
import { startScriptedOpenAI } from '../support/scriptedOpenAI.ts';

const REDIS = 'redis://127.0.0.1:6379';
const CREWS = path.resolve('test/fixtures/fault-crews');
const space = `crewbot-trace-${randomBytes(5).toString('hex')}`;

const admin = createClient({ url: REDIS, socket: { reconnectStrategy: false } });
admin.on('error', () => undefined);
beforeAll(async () => {
  await admin.connect();
});
afterAll(async () => {
  for await (const keys of admin.scanIterator({ MATCH: `${space}*`, COUNT: 500 })) if (keys.length) await admin.del(keys);
  await admin.close();
});

describe('traces exported over OTLP/HTTP to a collector on loopback', () => {
  it('a run detached by one process and advanced by a worker in another is one trace, continued through the queue job', async () => {
    const collector = await startOtlpReceiver();
    const server = await startScriptedOpenAI();
    server.setDefault((req) => ({ content: `Done: ${req.lastUser.slice(0, 20)}` }));
    const env = {
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: 'sk-test-not-a-real-key',
      CREWBOT_CREWS_DIR: CREWS,
      CREWBOT_STORE: `${REDIS}?namespace=${space}`,
      CREWBOT_QUEUE: `${REDIS}?prefix=${space}-q`,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    };
    // The front end exports JSON, the worker the default protobuf: the collector takes both.
    const worker = startCli(['worker'], { ...env, OTEL_SERVICE_NAME: 'crewbot-worker' });
    try {
      await worker.waitForStderr('crewbot worker: advancing', 120_000);
      const detached = await runCli(['run', 'three_steps', '--input', 'topic=tides', '--detach', '--json'], { ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { timeoutMs: 120_000 });
      expect(detached.code, detached.stderr).toBe(0);
      const { runId } = lastJsonLine(detached.stdout) as { runId: string };
      const waited = await runCli(['wait', runId, '--json'], env, { timeoutMs: 120_000 });
      expect(waited.code, waited.stderr).toBe(0);
      worker.kill('SIGTERM'); // drains, and flushes the spans it still holds
      expect((await worker.exited).code).toBe(0);

      await vi.waitFor(() => expect(collector.spans.filter((span) => span.name === 'crewbot.task')).toHaveLength(3), { timeout: 30_000, interval: 100 });
      const kickoff = collector.spans.find((span) => span.name === 'crewbot.kickoff')!;
      expect(kickoff).toMatchObject({ encoding: 'json', parentSpanId: '' });
      const advance = collector.spans.find((span) => span.name === 'crewbot.advance')!;
      expect(advance).toMatchObject({ encoding: 'protobuf', parentSpanId: kickoff.spanId });
      expect(collector.spans.filter((span) => span.name.startsWith('chat '))).toHaveLength(3);
      expect(new Set(collector.spans.map((span) => span.traceId))).toEqual(new Set([kickoff.traceId]));
    } finally {
      worker.kill('SIGKILL');
      await worker.exited;
      const queue = new BullRunQueue(env.CREWBOT_QUEUE);
      await queue.obliterate().catch(() => undefined);
      await queue.close();
      await server.close();
      await collector.close();
    }
  }, 300_000);
});
