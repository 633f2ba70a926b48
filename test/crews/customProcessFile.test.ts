import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCrew } from '../../src/crews/loadCrew.ts';
import { CrewFileError } from '../../src/crews/errors.ts';

const AGENTS = 'a:\n  role: A\n  goal: g\n  backstory: b\n';
const TASKS = 'first:\n  description: d\n  expected_output: e\n  agent: a\nsecond:\n  description: d\n  expected_output: e\n  agent: a\n';

describe('process: custom in crew.yaml', () => {
  let dir: string;
  beforeEach(async () => {
    // Inside the project, where `import … from 'crewbot'` resolves as it does for a user's crews.
    await mkdir(path.resolve('.crewbot'), { recursive: true });
    dir = await mkdtemp(path.resolve('.crewbot', 'custom-crew-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function crewWith(files: Record<string, string>): Promise<string> {
    const crewDir = path.join(dir, 'c');
    await mkdir(crewDir, { recursive: true });
    for (const [name, text] of Object.entries({ 'agents.yaml': AGENTS, 'tasks.yaml': TASKS, 'crew.yaml': 'process: custom\n', ...files })) {
      await writeFile(path.join(crewDir, name), text);
    }
    return crewDir;
  }

  const problemsOf = async (crewDir: string) => {
    const error = await loadCrew(crewDir, { builtinTools: {} }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CrewFileError);
    return (error as CrewFileError).problems.map((p) => `${p.file}: ${p.path} ${p.message}`);
  };

  it('takes the process from tools.ts', async () => {
    const crewDir = await crewWith({
      'tools.ts': "import { defineProcess } from 'crewbot';\nexport const customProcess = defineProcess(async ({ run }) => { await run('second'); });\n",
    });
    const loaded = await loadCrew(crewDir, { builtinTools: {} });
    expect(loaded.spec.process).toBe('custom');
    expect(typeof loaded.spec.customProcess).toBe('function');
  });

  it('says what to write when tools.ts or its export is missing', async () => {
    expect(await problemsOf(await crewWith({}))).toEqual([expect.stringMatching(/^crew\.yaml: process custom needs a tools\.ts beside crew\.yaml that exports customProcess/)]);
    await rm(path.join(dir, 'c'), { recursive: true });
    expect(await problemsOf(await crewWith({ 'tools.ts': 'export const tools = [];\n' }))).toEqual([
      expect.stringMatching(/^tools\.ts: customProcess is missing: process custom needs tools\.ts to export customProcess/),
    ]);
  });

  it('names a task the process runs that tasks.yaml does not have', async () => {
    const crewDir = await crewWith({
      'tools.ts': "import { defineProcess } from 'crewbot';\nexport const customProcess = defineProcess(async ({ run }) => { await run('first'); await run(\"secnd\"); });\n",
    });
    expect(await problemsOf(crewDir)).toEqual(['tools.ts: customProcess runs "secnd", which is not a task in tasks.yaml (tasks: first, second)']);
  });
});
