import { age } from '../cli/duration.ts';
import { costText } from '../llm/costText.ts';
import type { RunRecord } from '../runs/runRecord.ts';

/**
 * Runs as an aligned table: run id, status, crew, age, tokens and cost, the same in `crewbot runs`
 * and the terminal session's `runs`. Numbered, a row can be picked by its number (`resume 2`);
 * `note` adds a last column (what a run waits for, why it failed).
 */
export function runTable(runs: readonly RunRecord[], now: number, options: { numbered?: boolean; note?: (run: RunRecord) => string } = {}): string[] {
  const rows = runs.map((run, index) => [
    ...(options.numbered ? [`${index + 1}.`] : []),
    run.id,
    run.status,
    run.crew,
    age(run.createdAt, now),
    String(run.usage.promptTokens + run.usage.completionTokens),
    costText(run.usage),
    ...(options.note ? [options.note(run)] : []),
  ]);
  const header = [...(options.numbered ? ['#'] : []), 'RUN', 'STATUS', 'CREW', 'AGE', 'TOKENS', 'COST', ...(options.note ? [''] : [])];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}
