import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Crew } from '../../src/engine/crew.ts';
import { OutputFileError } from '../../src/engine/outputFile.ts';
import { agent, crew, task } from '../support/crewBuilders.ts';
import { startScriptedOpenAI, type ScriptedOpenAI } from '../support/scriptedOpenAI.ts';
import { llmFor } from '../support/testLlm.ts';

describe('output_log_file: the run as JSON lines', () => {
  let server: ScriptedOpenAI;
  let dir: string;
  beforeEach(async () => {
    server = await startScriptedOpenAI();
    dir = await mkdtemp(path.join(os.tmpdir(), 'crewbot-log-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const spec = (outputLogFile: string) =>
    crew({ agents: [agent('writer')], tasks: [task('one', { agent: 'writer' }), task('two', { agent: 'writer' })], outputLogFile });

  it('writes every event of the run, in order, to a file under the output directory', async () => {
    server.enqueue({ content: 'one done' }, { content: 'two done' });
    const events: string[] = [];
    await new Crew(spec('logs/{topic}.jsonl')).kickoff({ topic: 'tides' }, { llm: llmFor(server), outputDir: dir, onEvent: (event) => events.push(event.type) });

    const lines = (await readFile(path.join(dir, 'logs', 'tides.jsonl'), 'utf8')).trimEnd().split('\n');
    const logged = lines.map((line) => JSON.parse(line) as { type: string; runId: string });
    // The same events the run's listeners saw, every one but the streamed text (its answers are logged whole).
    expect(events).toContain('llm_stream_chunk');
    expect(logged.map((event) => event.type)).toEqual(events.filter((type) => type !== 'llm_stream_chunk'));
    expect(logged[0]?.type).toBe('crew_kickoff_started');
    expect(logged.at(-1)?.type).toBe('crew_kickoff_completed');
    expect(new Set(logged.map((event) => event.runId)).size).toBe(1);
  });

  it('refuses a path outside the output directory before anything is paid for', async () => {
    await expect(new Crew(spec('../escape.jsonl')).kickoff({}, { llm: llmFor(server), outputDir: dir })).rejects.toThrow(OutputFileError);
    await expect(new Crew(spec('../escape.jsonl')).kickoff({}, { llm: llmFor(server), outputDir: dir })).rejects.toThrow(/output_log_file "..\/escape.jsonl" points outside/);
    expect(server.requests).toHaveLength(0);
  });
});
