import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/runCli.ts';

/** Writes crews/<name>/<file> as raw text: some of these mistakes are YAML that does not parse. */
async function writeCrewFiles(root: string, name: string, files: Record<string, string>): Promise<void> {
  const dir = path.join(root, 'crews', name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
}

describe('crewbot validate on a crew written with the usual first mistakes', () => {
  let root: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'crewbot-validate-'));
    env = { CREWBOT_CREWS_DIR: path.join(root, 'crews'), CREWBOT_STORE: `sqlite://${path.join(root, 'runs.sqlite')}` };
    // An unknown tool, a task without expected_output that names a misspelt agent, and a key
    // indented one space too far.
    await writeCrewFiles(root, 'four_mistakes', {
      'agents.yaml': 'researcher:\n  role: Researcher\n  goal: Find facts\n  backstory: You dig.\n  tools: [web_serch]\n',
      'tasks.yaml': [
        'research_task:',
        '  description: Research the subject.',
        '  agent: reseacher',
        'write_task:',
        '  description: Write it up.',
        '   expected_output: An article.',
        '  agent: researcher',
        '',
      ].join('\n'),
    });
    // A misspelt key next to a context naming a task that does not exist.
    await writeCrewFiles(root, 'typo_and_context', {
      'agents.yaml': 'writer:\n  role: Writer\n  goal: Write\n  backstory: You write.\n',
      'tasks.yaml': 'write_task:\n  description: Write.\n  expected_ouput: Text.\n  agent: writer\n  markdwn: true\n  context: [outline_task]\n',
    });
    // crew.yaml declares its inputs, but a goal uses one it does not declare.
    await writeCrewFiles(root, 'undeclared_input', {
      'agents.yaml': 'writer:\n  role: Writer\n  goal: Write within {budget}\n  backstory: You write.\n',
      'tasks.yaml': 'write_task:\n  description: Write about {topic}.\n  expected_output: Text.\n',
      'crew.yaml': 'inputs:\n  topic: { description: What to write about }\n',
    });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports every mistake in one pass, each at crews/<crew>/<file>, with did-you-mean and an indentation hint', async () => {
    const result = await runCli(['validate', 'four_mistakes'], env, { cwd: root });

    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^crews\/four_mistakes\/tasks\.yaml: line 5, column \d+: YAML syntax error: .*\(line 6 is indented further than line 5, .*start keys of one entry in the same column\)$/,
        ),
        'crews/four_mistakes/agents.yaml: researcher.tools "web_serch" is not a tool; did you mean web_search? available: web_search, fetch_url, ask_human (built in)',
        'crews/four_mistakes/tasks.yaml: research_task.expected_output is required',
        'crews/four_mistakes/tasks.yaml: research_task.agent "reseacher" is not an agent of this crew; did you mean researcher? (agents: researcher)',
      ]),
    );
    // The indentation error is not also blamed on quoting, nor echoed as write_task's missing keys.
    expect(result.stderr).not.toMatch(/needs quotes/);
    expect(result.stderr).not.toMatch(/write_task\./);
    expect(lines).toHaveLength(4);
  });

  it("does not let a misspelt key hide a bad context, and shows the crew's warnings beside its problems", async () => {
    const result = await runCli(['validate', 'typo_and_context'], env, { cwd: root });

    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'crews/typo_and_context/tasks.yaml: write_task.expected_output is required; write_task.expected_ouput is not a known key (did you mean expected_output?)',
      'crews/typo_and_context/tasks.yaml: write_task.context "outline_task" is not a task of this crew (tasks: write_task)',
      'warning: crews/typo_and_context/tasks.yaml: write_task.markdwn is not a known key (did you mean markdown?) and is ignored',
    ]);
  });

  it('warns, naming the file and key, about a placeholder the declared inputs leave out', async () => {
    const result = await runCli(['validate', 'undeclared_input'], env, { cwd: root });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: crews/undeclared_input/agents.yaml: writer.goal uses {budget}, which crew.yaml does not declare under inputs; every run must then pass --input budget=…',
    );
  });
});
