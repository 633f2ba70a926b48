import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrewNotFoundError } from '../../src/crews/errors.ts';
import { listCrews } from '../../src/crews/listCrews.ts';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };
const fixtures = path.resolve('test/fixtures/crews');

describe('finding a crew', () => {
  it('by name in crews/ by default, or in the crews directory given', async () => {
    expect((await loadCrew('research_writer', options)).dir).toBe(path.resolve('crews/research_writer'));
    expect((await loadCrew('crew_settings', { ...options, crewsDir: fixtures })).spec.name).toBe('crew_settings');
  });

  it('by a path relative to the working directory, or an absolute one', async () => {
    const relative = await loadCrew('./test/fixtures/crews/crew_settings', options);
    const absolute = await loadCrew(path.join(fixtures, 'crew_settings'), options);

    expect(relative.dir).toBe(path.join(fixtures, 'crew_settings'));
    expect(absolute.spec.name).toBe('crew_settings');
  });

  it('that does not exist names the crews that do', async () => {
    const error = await loadCrew('reserch_writer', options).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(CrewNotFoundError);
    expect(error instanceof Error && error.message).toBe(
      'No crew "reserch_writer" in crews/ (did you mean research_writer?): the crews in crews/ are customer_support, issue_triage, market_scan, product_development, release_notes, research_writer, ticket_router. ' +
        'Pass one of their names or the path of a crew directory.',
    );
    await expect(loadCrew('./no/such/dir', options)).rejects.toThrow('No crew directory at ./no/such/dir: the crews in crews/ are customer_support');
  });

  it('in a crews directory that does not exist says there are none', async () => {
    await expect(loadCrew('anything', { ...options, crewsDir: path.join(fixtures, 'missing') })).rejects.toThrow(
      'test/fixtures/crews/missing/ has no crews yet',
    );
  });
});

describe('listing crews', () => {
  it('gives each crew with its description and inputs', async () => {
    const crews = await listCrews(options);

    expect(crews.map((crew) => crew.name)).toEqual(['customer_support', 'issue_triage', 'market_scan', 'product_development', 'release_notes', 'research_writer', 'ticket_router']);
    expect(crews.find((crew) => crew.name === 'research_writer')).toEqual({
      name: 'research_writer',
      description: 'Researches a topic on the web and writes a sourced briefing for the audience you name.',
      inputs: {
        topic: expect.objectContaining({ required: true }),
        audience: expect.objectContaining({ required: false, default: 'engineers' }),
      },
      // No SERPER_API_KEY here: the crew is listed, with what to set for its search tool.
      setupWarnings: ['crews/research_writer/agents.yaml: researcher.tools: web_search needs SERPER_API_KEY; set it in .env (get a key at https://serper.dev)'],
    });
  });

  it('lists a broken crew with its error instead of failing the whole list', async () => {
    const crews = await listCrews({ ...options, crewsDir: fixtures });
    const broken = crews.find((crew) => crew.name === 'many_mistakes');
    const working = crews.find((crew) => crew.name === 'placeholders');

    expect(broken).toEqual({ name: 'many_mistakes', inputs: {}, error: expect.stringContaining('write_task.agent "ghost" is not an agent') });
    expect(working?.error).toBeUndefined();
    expect(Object.keys(working?.inputs ?? {})).toEqual(['company', 'style', 'record_kind', 'record', 'record_id']);
  });

  it('is empty when the crews directory does not exist', async () => {
    expect(await listCrews({ ...options, crewsDir: path.join(fixtures, 'missing') })).toEqual([]);
  });
});
