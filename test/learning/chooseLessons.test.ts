import { describe, expect, it } from 'vitest';
import { chooseLessons, LESSON_BUDGET, lessonsText } from '../../src/learning/chooseLessons.ts';
import type { Lesson } from '../../src/learning/lesson.ts';

const lesson = (id: string, text: string, at: number): Lesson => ({ id, crew: 'support_desk', taskId: 'reply_task', text, source: 'added', at });

describe('choosing the lessons a task is offered', () => {
  const lessons = [
    lesson('a', 'Always state the refund timeline: 5–10 business days.', 1),
    lesson('b', 'Sign every reply as "The Support Team".', 2),
    lesson('c', 'For shipping questions, link the parcel tracking page.', 3),
    lesson('d', 'Never promise a delivery date.', 4),
    lesson('e', 'Refunds to gift cards take one business day; say so.', 5),
  ];

  it('prefers lessons that share words with the task and its inputs, then the newest, within the budget', () => {
    const chosen = chooseLessons(lessons, 'Where is my refund?');
    expect(chosen.map((l) => l.id)).toEqual(['a', 'e', 'd']);
    expect(chosen.length).toBeLessThanOrEqual(LESSON_BUDGET.maxLessons);
    expect(lessonsText(chosen)!.length).toBeLessThan(LESSON_BUDGET.maxChars + 80);
  });

  it('keeps to the character budget, skipping a lesson too long for what is left', () => {
    const long = lesson('long', `Explain ${'the refund policy in full detail, '.repeat(8)}`.trim(), 10);
    const chosen = chooseLessons([long, ...lessons], 'refund', { maxLessons: 3, maxChars: 120 });
    expect(chosen.map((l) => l.id)).toEqual(['a', 'e']);
  });

  it('offers nothing when there are no lessons', () => {
    expect(lessonsText(chooseLessons([], 'anything'))).toBeUndefined();
  });
});
