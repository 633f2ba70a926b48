import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRuntime } from '../../src/runtime.ts';
import type { Runner } from '../../src/runs/runner.ts';
import type { RunStore } from '../../src/runs/runStore.ts';
import { createTriggerService, type TriggerService } from '../../src/triggers/triggerService.ts';
import { startWebhookServer } from '../../src/triggers/webhookServer.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { waitFor } from '../support/slackHarness.ts';
import { llmFor } from '../support/testLlm.ts';

const CREWS = path.resolve('test/fixtures/trigger-crews');
const SECRET = 'whsec-test-5f4dcc3b5aa765d61d8327deb882cf99';

describe('a crew started by a signed webhook', () => {
  let dir: string;
  let openai: ScriptedOpenAI;
  let runner: Runner;
  let store: RunStore;
  let service: TriggerService;
  let server: Awaited<ReturnType<typeof startWebhookServer>>;
  let url: string;

  beforeEach(async () => {
    process.env.TEST_HOOK_SECRET = SECRET;
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-hooks-'));
    openai = await startScriptedOpenAI();
    openai.setDefault({ content: 'Noted.' });
    const config = loadConfig({ CREWBOT_CREWS_DIR: CREWS, CREWBOT_STORE: `sqlite://${path.join(dir, 'crewbot.sqlite')}`, PORT: '0', CREWBOT_WEBHOOK_MAX_BYTES: '2048' }, { dotenv: false });
    const runtime = createRuntime(config, { llm: llmFor(openai) });
    ({ runner, store } = await runtime.openRunner());
    service = await createTriggerService({ runtime, runner, openers: {}, log: () => {} });
    server = await startWebhookServer(0, service.webhooks!);
    service.start();
    url = `http://127.0.0.1:${server.port}/hooks/hooked`;
  });
  afterEach(async () => {
    service.stop();
    await server.close();
    await runner.shutdown();
    await store.close();
    await openai.close();
    await rm(dir, { recursive: true, force: true });
    delete process.env.TEST_HOOK_SECRET;
  });

  const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body), ...headers } });
  const issue = JSON.stringify({ action: 'opened', issue: { title: 'Login page 500s', body: 'Since the deploy at 9:00.' } });

  it('starts a run with its inputs read from the body and answers 202 with the run id', async () => {
    const response = await post(issue, { 'x-github-delivery': 'delivery-1' });
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    const run = await waitFor('the run to complete', async () => ((await store.getRun(runId))?.status === 'completed' ? store.getRun(runId) : undefined));
    expect(run?.inputs).toEqual({ title: 'Login page 500s', body: 'Since the deploy at 9:00.' });
    expect(run?.requester).toMatchObject({ userId: 'trigger:webhook' });
    expect(openai.requests[0]?.lastUser).toContain('Hook: write about Login page 500s. Details: Since the deploy at 9:00.');
  });

  it('refuses a bad or missing signature with 401 and starts nothing', async () => {
    const forged = await fetch(url, { method: 'POST', body: issue, headers: { 'x-hub-signature-256': sign(issue, 'not-the-secret') } });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', body: issue });
    expect(unsigned.status).toBe(401);
    // A signature of another body does not carry over.
    const swapped = await fetch(url, { method: 'POST', body: issue, headers: { 'x-hub-signature-256': sign('{}') } });
    expect(swapped.status).toBe(401);
    expect(await store.listRuns()).toEqual([]);
    expect(openai.requests).toHaveLength(0);
  });

  it('answers a repeated delivery with the first run id and starts nothing more', async () => {
    const first = (await (await post(issue, { 'x-github-delivery': 'delivery-7' })).json()) as { runId: string };
    const again = await post(issue, { 'x-github-delivery': 'delivery-7' });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ runId: first.runId, duplicate: true });
    const byKey = (await (await post(issue, { 'idempotency-key': 'k-1' })).json()) as { runId: string };
    expect((await (await post(issue, { 'idempotency-key': 'k-1' })).json()) as { runId: string }).toEqual({ runId: byKey.runId, duplicate: true });
    await runner.idle();
    expect((await store.listRuns()).map((run) => run.id).sort()).toEqual([first.runId, byKey.runId].sort());
  });

  it('names a required input the body does not have (422), refuses a body over the limit (413) and a body that is not JSON (400)', async () => {
    const missing = JSON.stringify({ issue: { title: 'No body here' } });
    const response = await post(missing);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toBe('Missing input: body (from $.issue.body, which the body does not have).');

    const huge = JSON.stringify({ issue: { title: 't', body: 'x'.repeat(4096) } });
    expect((await post(huge)).status).toBe(413);
    expect((await post('not json')).status).toBe(400);
    expect(await store.listRuns()).toEqual([]);
  });

  it('answers 404 for a crew without a webhook and 405 for other methods', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/hooks/first_crew`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/hooks/../../etc`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
  });

  it('answers 503 naming the variable to set when the secret is not configured', async () => {
    delete process.env.TEST_HOOK_SECRET;
    const response = await post(issue);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toContain('Set TEST_HOOK_SECRET');
  });
});
