import { describe, expect, it } from 'vitest';
import { CrewFileError, type CrewProblem } from '../../src/crews/errors.ts';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { parseYamlEntries } from '../../src/crews/yamlFile.ts';
import { BUILTIN_TOOL_ALIASES, createBuiltinTools } from '../../src/tools/builtinTools.ts';

const options = { builtinTools: createBuiltinTools({}), builtinAliases: BUILTIN_TOOL_ALIASES };

async function problemsOf(fixture: string): Promise<{ error: CrewFileError; problems: CrewProblem[] }> {
  const error = await loadCrew(`test/fixtures/crews/${fixture}`, options).then(
    () => {
      throw new Error(`${fixture} loaded, but it has mistakes`);
    },
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof CrewFileError)) throw error;
  return { error, problems: error.problems };
}

describe('a crew with mistakes', () => {
  it('reports every mistake at once, each with its file and key', async () => {
    const { problems } = await problemsOf('many_mistakes');

    expect(problems).toEqual(
      expect.arrayContaining([
        { file: 'tasks.yaml', path: 'write_task.agent', message: '"ghost" is not an agent of this crew (agents: researcher, writer)' },
        { file: 'tasks.yaml', path: 'write_task.context', message: '"outline_task" is not a task of this crew (tasks: research_task, write_task, review_task)' },
        { file: 'agents.yaml', path: 'researcher.tools', message: '"serper_search" is not a tool; available: web_search, fetch_url, ask_human (built in)' },
        {
          file: 'tasks.yaml',
          path: 'review_task.condition.matches',
          message: '"verdict: (fail" is not a valid regular expression: Unterminated group',
        },
        { file: 'tasks.yaml', path: 'review_task.expected_output', message: 'is required' },
        { file: 'agents.yaml', path: 'writer.max_iter', message: 'must be a number, got "ten"' },
      ]),
    );
    expect(problems).toHaveLength(6);
  });

  it('says so in one message, a line per problem, naming the file by its path', async () => {
    const { error } = await problemsOf('many_mistakes');
    const lines = error.message.split('\n');

    expect(lines[0]).toBe('test/fixtures/crews/many_mistakes/agents.yaml: researcher.tools "serper_search" is not a tool; available: web_search, fetch_url, ask_human (built in)');
    expect(lines).toContain('test/fixtures/crews/many_mistakes/tasks.yaml: write_task.agent "ghost" is not an agent of this crew (agents: researcher, writer)');
    expect(lines).toHaveLength(6);
  });

  it('names the file, the id and the key of every value of the wrong type', async () => {
    const { problems } = await problemsOf('wrong_types');

    expect(problems.map((problem) => `${problem.file}: ${problem.path} ${problem.message}`)).toEqual([
      'crew.yaml: process must be one of sequential, parallel, hierarchical, custom, got "paralel"',
      'crew.yaml: inputs.bad-name is not a valid name: use letters, digits and _ (not starting with a digit), as {placeholders} do',
      'crew.yaml: limits has unknown key max_llm_call',
      'agents.yaml: writer must be a mapping of settings, got "just a string"',
      'agents.yaml: editor.role must not be empty',
      'agents.yaml: editor.goal must be a string, got 5',
      'agents.yaml: editor.backstory is required',
      'agents.yaml: editor.tools must be a list, got "web_search"',
      'tasks.yaml: edit_task.output_json must be a mapping, got "EditResult"',
      'tasks.yaml: edit_task.priority must be a number, got "high"',
      'tasks.yaml: review_task.context must be a list, got "edit_task"',
    ]);
  });

  it('names the file and line of a YAML syntax error', async () => {
    const { problems } = await problemsOf('yaml_syntax_error');

    expect(problems).toEqual([
      {
        file: 'tasks.yaml',
        path: '',
        message: expect.stringMatching(/^line 5, column 3: YAML syntax error: Flow sequence .* end with a \]/),
      },
    ]);
  });

  it('hints at quoting when the text itself holds ": ", and at indentation when a key is indented too far', () => {
    const quoting = parseYamlEntries('tasks.yaml', 'a_task:\n  description: Note: this is text\n  expected_output: x\n');
    const indenting = parseYamlEntries('tasks.yaml', 'a_task:\n  description: Write.\n   expected_output: x\n');

    expect(quoting.status === 'invalid' && quoting.problems[0]?.message).toMatch(/line 2, .*\(text containing ": " needs quotes, or > on the line before it\)$/);
    expect(indenting.status === 'invalid' && indenting.problems[0]?.message).toMatch(/line 2, .*\(line 3 is indented further than line 2, so it reads as more of line 2's text; start keys of one entry in the same column\)$/);
  });

  it('still checks the entries a YAML syntax error leaves intact', async () => {
    const result = parseYamlEntries('tasks.yaml', 'first_task:\n  description: Fine.\n  agent: writer\nsecond_task:\n  description: [unclosed\n  agent: writer\n');

    expect(result).toMatchObject({ status: 'invalid', ids: ['first_task', 'second_task'], entries: [['first_task', { description: 'Fine.', agent: 'writer' }]] });
  });

  it('refuses a key given twice instead of keeping the last one silently', async () => {
    const { problems } = await problemsOf('duplicate_keys');

    expect(problems).toEqual([{ file: 'agents.yaml', path: '', message: 'line 11: key "writer" appears twice at the same level; keep one' }]);
  });

  it('needs agents.yaml and tasks.yaml', async () => {
    const { problems } = await problemsOf('missing_tasks');

    expect(problems).toEqual([{ file: 'tasks.yaml', path: '', message: expect.stringContaining('not found') }]);
  });

  it('keeps tasks in file order when the process runs them in order', async () => {
    const { problems } = await problemsOf('bad_references');

    expect(problems.map((problem) => [problem.file, problem.path, problem.message])).toEqual([
      ['crew.yaml', 'manager_agent', '"boss" is not an agent of this crew (agents: writer)'],
      ['tasks.yaml', 'outline_task.context', expect.stringContaining('"draft_task" comes after outline_task')],
      ['tasks.yaml', 'outline_task.context', expect.stringContaining('"outline_task" is this task itself')],
      ['tasks.yaml', 'draft_task.condition.task', expect.stringContaining('"review_task" comes after draft_task')],
      ['tasks.yaml', 'review_task.loop.back_to', expect.stringContaining('"publish_task" comes after review_task')],
    ]);
  });

  it('lets a parallel crew name later tasks, but not wait in a cycle', async () => {
    const { problems } = await problemsOf('parallel_cycle');

    expect(problems).toEqual([
      {
        file: 'tasks.yaml',
        path: 'trends_task.context',
        message: 'waits on itself through trends_task → forecast_task → trends_task; in a parallel crew context must not form a cycle',
      },
    ]);
  });
});
