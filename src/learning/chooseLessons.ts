import MiniSearch from 'minisearch';
import type { Lesson } from './lesson.ts';

/** What one task's prompt may carry of lessons: a few, and a few hundred characters at most. */
export interface LessonBudget {
  maxLessons: number;
  maxChars: number;
}

export const LESSON_BUDGET: LessonBudget = { maxLessons: 3, maxChars: 400 };

export const LESSONS_HEADING = 'Lessons from people’s feedback on earlier runs (follow them):';

/**
 * The lessons of one task that fit its prompt. With more than the budget holds, they are ranked
 * by full-text relevance (MiniSearch, BM25) to the task's text and the run's inputs, newest first
 * among equals (lessons that share no word with the task rank after those that do, by recency);
 * then taken in that order while they fit.
 */
export function chooseLessons(lessons: Lesson[], query: string, budget: LessonBudget = LESSON_BUDGET): Lesson[] {
  const scores = relevance(lessons, query);
  const ranked = [...lessons].sort((a, b) => (scores.get(b.id) ?? 0) - (scores.get(a.id) ?? 0) || b.at - a.at);
  const chosen: Lesson[] = [];
  let chars = 0;
  for (const lesson of ranked) {
    if (chosen.length >= budget.maxLessons) break;
    const cost = lesson.text.length + 3;
    if (chars + cost > budget.maxChars) continue;
    chosen.push(lesson);
    chars += cost;
  }
  return chosen;
}

/** The chosen lessons as the prompt shows them. */
export function lessonsText(lessons: Lesson[]): string | undefined {
  if (lessons.length === 0) return undefined;
  return [LESSONS_HEADING, ...lessons.map((lesson) => `- ${lesson.text}`)].join('\n');
}

function relevance(lessons: Lesson[], query: string): Map<string, number> {
  if (lessons.length === 0 || query.trim() === '') return new Map();
  const index = new MiniSearch<Lesson>({ fields: ['text'], storeFields: [], idField: 'id' });
  index.addAll(lessons);
  const results = index.search(query, { combineWith: 'OR', prefix: true, fuzzy: 0.2 });
  return new Map(results.map((result) => [String(result.id), result.score]));
}
