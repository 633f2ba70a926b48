import MiniSearch from 'minisearch';
import { z } from 'zod';
import type { TaskOutput } from '../engine/output.ts';
import type { RunRecord } from '../runs/runRecord.ts';
import type { RunStore } from '../runs/runStore.ts';

const LOG = 'memory';

/** How much of the past one task's prompt may carry: a few results, each cut short, bounded in all. */
export interface RecallBudget {
  maxResults: number;
  maxCharsEach: number;
  maxChars: number;
}

export const RECALL_BUDGET: RecallBudget = { maxResults: 2, maxCharsEach: 300, maxChars: 600 };

/** Earlier completed runs looked through for one kickoff, newest first. */
export const RECALL_RUNS = 50;

export const PAST_RESULTS_HEADING = 'Past results of this crew (earlier runs, for reference only; they may be out of date):';

const MemoryLogEntrySchema = z.object({ op: z.literal('clear'), crew: z.string().min(1), at: z.number() });

/** One earlier run's output of a task, as memory offers it. */
export interface PastResult {
  runId: string;
  finishedAt: number;
  inputs: Record<string, string>;
  taskId: string;
  text: string;
}

/**
 * crew.yaml `memory: true`: what earlier completed runs of a crew produced, kept where the runs
 * are (their task outputs), minus what `crewbot memory <crew> --clear` set aside.
 */
export class CrewMemory {
  constructor(
    private readonly store: RunStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Completed runs of the crew that memory draws on, newest first. */
  async runs(crew: string, limit = RECALL_RUNS): Promise<RunRecord[]> {
    const clearedAt = await this.#clearedAt(crew);
    const completed = await this.store.listRuns({ status: ['completed'], limit: 1_000, onDamaged: () => undefined });
    return completed.filter((run) => run.crew === crew && (run.finishedAt ?? run.updatedAt) > clearedAt).slice(0, limit);
  }

  /** Every task output of those runs. */
  async pastResults(crew: string): Promise<PastResult[]> {
    const results: PastResult[] = [];
    for (const run of await this.runs(crew)) {
      const outputs = await this.store.getTaskOutputs(run.id);
      for (const [taskId, output] of Object.entries(outputs)) {
        const raw = (output as Partial<TaskOutput>).raw;
        if (typeof raw === 'string' && raw.trim()) results.push({ runId: run.id, finishedAt: run.finishedAt ?? run.updatedAt, inputs: run.inputs, taskId, text: raw });
      }
    }
    return results;
  }

  /** Later runs no longer recall the runs finished until now; the runs themselves stay. */
  async clear(crew: string): Promise<void> {
    await this.store.appendToLog(LOG, MemoryLogEntrySchema.parse({ op: 'clear', crew, at: this.now() }));
  }

  async #clearedAt(crew: string): Promise<number> {
    let cleared = 0;
    for (const raw of await this.store.readLog(LOG)) {
      const entry = MemoryLogEntrySchema.safeParse(raw);
      if (entry.success && entry.data.crew === crew) cleared = Math.max(cleared, entry.data.at);
    }
    return cleared;
  }
}

/**
 * The past results of one task that fit its prompt: that task's outputs in earlier runs, ranked by
 * full-text relevance (MiniSearch, BM25) of the output and the run's inputs to the task's text and
 * this run's inputs; results that share no word with them are not offered. Newest first among equals.
 */
export function recallFor(results: PastResult[], taskId: string, query: string, budget: RecallBudget = RECALL_BUDGET): PastResult[] {
  const candidates = results.filter((result) => result.taskId === taskId).map((result, index) => ({ ...result, id: index }));
  if (candidates.length === 0 || query.trim() === '') return [];
  const index = new MiniSearch<(typeof candidates)[number] & { inputText: string }>({ fields: ['text', 'inputText'], storeFields: [], idField: 'id' });
  index.addAll(candidates.map((candidate) => ({ ...candidate, inputText: Object.values(candidate.inputs).join(' ') })));
  const scores = new Map(index.search(query, { combineWith: 'OR', prefix: true, fuzzy: 0.2, boost: { inputText: 2 } }).map((hit) => [Number(hit.id), hit.score]));
  const ranked = candidates.filter((candidate) => scores.has(candidate.id)).sort((a, b) => scores.get(b.id)! - scores.get(a.id)! || b.finishedAt - a.finishedAt);
  const chosen: PastResult[] = [];
  let chars = 0;
  for (const { id: _id, ...result } of ranked) {
    if (chosen.length >= budget.maxResults) break;
    const text = excerpt(result.text, budget.maxCharsEach);
    if (chars + text.length > budget.maxChars) break;
    chosen.push({ ...result, text });
    chars += text.length;
  }
  return chosen;
}

/** The recalled results as the prompt shows them, marked as the past. */
export function pastResultsText(results: PastResult[]): string | undefined {
  if (results.length === 0) return undefined;
  const lines = results.map((result) => {
    const inputs = Object.entries(result.inputs).map(([key, value]) => `${key}=${excerpt(value, 60)}`).join(', ');
    return `- From run ${result.runId.slice(0, 8)} (${new Date(result.finishedAt).toISOString().slice(0, 10)}${inputs ? `; ${inputs}` : ''}): ${result.text}`;
  });
  return [PAST_RESULTS_HEADING, ...lines].join('\n');
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
