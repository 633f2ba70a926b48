import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Crew } from '../../src/engine/crew.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import type { OutputSchema } from '../../src/engine/spec.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

const ticketSchema: OutputSchema = {
  name: 'ticket',
  jsonSchema: {
    type: 'object',
    properties: { category: { type: 'string', enum: ['billing', 'bug'] }, urgency: { type: 'integer' } },
    required: ['category', 'urgency'],
  },
  zod: z.object({ category: z.enum(['billing', 'bug']), urgency: z.number().int() }),
};

describe('output quality: structured output, guardrails and output files', () => {
  let server: ScriptedOpenAI;
  let dir: string;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-out-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes JSON that matches the task’s schema as its structured output', async () => {
    server.enqueue({ content: 'Here you go:\n```json\n{"category": "bug", "urgency": 2}\n```' });
    const spec = crew({ agents: [agent('a')], tasks: [task('triage', { agent: 'a', outputSchema: ticketSchema })] });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(output.json).toEqual({ category: 'bug', urgency: 2 });
    expect(server.requests[0]?.lastUser).toContain('Answer with JSON only, matching this JSON schema');
    expect(server.requests).toHaveLength(1);
  });

  it('converts an answer that does not match the schema, repairing it once with the validation error', async () => {
    server.enqueue(
      { content: 'It is a billing problem, quite urgent.' },
      { content: '{"category": "money", "urgency": 3}' },
      { content: '{"category": "billing", "urgency": 3}' },
    );
    const spec = crew({ agents: [agent('a')], tasks: [task('triage', { agent: 'a', outputSchema: ticketSchema })] });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(output.json).toEqual({ category: 'billing', urgency: 3 });
    expect(server.requests).toHaveLength(3);
    expect(JSON.stringify(server.requests[2]?.messages)).toMatch(/category/);
    expect(output.usage.llmCalls).toBe(3);
  });

  it('sends work that fails a guardrail function back with the feedback until it passes', async () => {
    server.enqueue({ content: 'too short' }, { content: 'a much longer and better answer' });
    const events: CrewEvent[] = [];
    const spec = crew({
      agents: [agent('a')],
      tasks: [
        task('t', {
          agent: 'a',
          guardrail: (output) => (output.raw.length > 10 ? { ok: true } : { ok: false, feedback: 'write more than 10 characters' }),
        }),
      ],
    });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server), onEvent: (e) => events.push(e) });
    expect(output.raw).toBe('a much longer and better answer');
    expect(server.requests[1]?.lastUser).toContain('did not pass validation: write more than 10 characters');
    expect(events.filter((e) => e.type === 'guardrail_failed')).toHaveLength(1);
  });

  it('fails the task after guardrail_max_retries', async () => {
    server.setDefault({ content: 'nope' });
    const spec = crew({
      agents: [agent('a')],
      tasks: [task('t', { agent: 'a', guardrailMaxRetries: 1, guardrail: () => ({ ok: false, feedback: 'never good' }) })],
    });
    await expect(new Crew(spec).kickoff({}, { llm: llmFor(server) })).rejects.toThrow(
      /failed its guardrail 2 times \(guardrail max retries: 1\)\. Last feedback: never good/,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('checks a guardrail written in words with the LLM', async () => {
    server.enqueue({ content: 'Draft mentioning a competitor.' });
    server.once((req) =>
      req.system.startsWith('You check a piece of work') ? { content: '{"valid": false, "feedback": "remove the competitor"}' } : undefined,
    );
    server.enqueue({ content: 'Clean draft.' });
    server.once((req) => (req.system.startsWith('You check a piece of work') ? { content: '{"valid": true, "feedback": ""}' } : undefined));
    const spec = crew({ agents: [agent('a')], tasks: [task('t', { agent: 'a', guardrail: 'Never mention competitors.' })] });
    const output = await new Crew(spec).kickoff({}, { llm: llmFor(server) });
    expect(output.raw).toBe('Clean draft.');
    expect(server.requests[1]?.lastUser).toContain('Rule: Never mention competitors.');
    expect(server.requests[2]?.lastUser).toContain('remove the competitor');
  });

  it('writes output_file with inputs filled in, and cannot be steered outside the output directory', async () => {
    server.setDefault({ content: '# Report' });
    const spec = crew({ agents: [agent('a')], tasks: [task('t', { agent: 'a', outputFile: 'reports/{topic}.md' })] });
    await new Crew(spec).kickoff({ topic: '../../etc/passwd' }, { llm: llmFor(server), outputDir: dir });
    const files = await readdir(path.join(dir, 'reports'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[\w.-]+etc_passwd\.md$/);
    expect(await readFile(path.join(dir, 'reports', files[0]!), 'utf8')).toBe('# Report');
    expect(await readdir(dir)).toEqual(['reports']);
  });
});
