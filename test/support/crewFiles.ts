import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';

/** Writes crews/<name>/{agents,tasks,crew}.yaml from plain objects. */
export async function writeCrew(crewsDir: string, name: string, files: { agents: object; tasks: object; crew?: object }): Promise<string> {
  const dir = path.join(crewsDir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'agents.yaml'), stringify(files.agents));
  await writeFile(path.join(dir, 'tasks.yaml'), stringify(files.tasks));
  if (files.crew) await writeFile(path.join(dir, 'crew.yaml'), stringify(files.crew));
  return dir;
}
