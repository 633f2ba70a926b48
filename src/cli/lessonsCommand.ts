import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MAX_LESSON_CHARS, type Lesson } from '../learning/lesson.ts';
import { LessonBook } from '../learning/lessonBook.ts';
import type { Runtime } from '../runtime.ts';
import { parseCommandArgs, UsageError } from './cliArgs.ts';
import { age } from './duration.ts';
import { EXIT, type CliIo } from './io.ts';
import { localActor } from './localActor.ts';
import { commandName } from './commandName.ts';

const USAGE = 'crewbot lessons <crew> [--json] | crewbot lessons forget <id> | crewbot lessons add <crew> <task> "text"';

/** A crew's lessons: what people's feedback taught it, shown, forgotten or added by hand. */
export async function lessonsCommand(args: string[], runtime: Runtime, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' } }, USAGE);
  const [first, ...rest] = positionals;
  if (!first) throw new UsageError(`Usage: ${USAGE}`);
  if (first === 'forget') return withBook(runtime, (book) => forget(book, rest, io));
  if (first === 'add') {
    const [crew, taskId, text, ...extra] = rest;
    if (!crew || !taskId || text === undefined || extra.length > 0) throw new UsageError(`Usage: crewbot lessons add <crew> <task> "text"`);
    const loaded = await runtime.loadCrew(crew);
    const taskIds = loaded.spec.tasks.map((task) => task.id);
    if (!taskIds.includes(taskId)) throw new UsageError(`Crew ${loaded.spec.name} has no task "${taskId}". Its tasks: ${taskIds.join(', ')}.`);
    const lessonText = z.string().trim().min(1).max(MAX_LESSON_CHARS).safeParse(text);
    if (!lessonText.success) throw new UsageError(`A lesson is one line of 1 to ${MAX_LESSON_CHARS} characters.`);
    return withBook(runtime, (book) => add(book, { crew: loaded.spec.name, taskId, text: lessonText.data }, io));
  }
  if (rest.length > 0) throw new UsageError(`Usage: ${USAGE}`);
  return withBook(runtime, (book) => list(book, first, values.json === true, io));
}

async function list(book: LessonBook, crew: string, json: boolean, io: CliIo): Promise<number> {
  const lessons = await book.ofCrew(crew);
  if (json) {
    io.out(JSON.stringify(lessons));
    return EXIT.ok;
  }
  if (lessons.length === 0) {
    io.out(`Crew ${crew} has no lessons yet. They come from reviews that ask for changes and from 👎 with a reason, or: ${commandName()} lessons add ${crew} <task> "text"`);
    return EXIT.ok;
  }
  const now = Date.now();
  for (const lesson of lessons) {
    const from = lesson.source === 'added' ? 'added' : `${lesson.source} in run ${lesson.runId ?? '?'}`;
    io.out(`${lesson.id}  ${lesson.taskId}  ${lesson.text}`);
    io.out(`          ${from}, by ${lesson.by?.name ?? lesson.by?.userId ?? 'someone'}, ${age(lesson.at, now)} ago`);
  }
  return EXIT.ok;
}

async function forget(book: LessonBook, rest: string[], io: CliIo): Promise<number> {
  const [id, ...extra] = rest;
  if (!id || extra.length > 0) throw new UsageError('Usage: crewbot lessons forget <id>');
  const actor = localActor();
  const lesson = await book.forget(id, { platform: actor.platform, userId: actor.userId, name: actor.name });
  if (!lesson) {
    io.err(`There is no lesson "${id}". List a crew's lessons with: ${commandName()} lessons <crew>`);
    return EXIT.failed;
  }
  io.out(`Forgot lesson ${id} of ${lesson.crew}/${lesson.taskId}: ${lesson.text}`);
  return EXIT.ok;
}

async function add(book: LessonBook, fields: Pick<Lesson, 'crew' | 'taskId' | 'text'>, io: CliIo): Promise<number> {
  const actor = localActor();
  const lesson: Lesson = { id: randomUUID().slice(0, 8), ...fields, source: 'added', by: { platform: actor.platform, userId: actor.userId, name: actor.name }, at: Date.now() };
  await book.learn(lesson);
  io.out(`Lesson ${lesson.id} added to ${lesson.crew}/${lesson.taskId}: ${lesson.text}`);
  return EXIT.ok;
}

async function withBook(runtime: Runtime, work: (book: LessonBook) => Promise<number>): Promise<number> {
  const { store } = await runtime.openRunner({ schedule: () => undefined });
  try {
    return await work(new LessonBook(store));
  } finally {
    await store.close();
  }
}
