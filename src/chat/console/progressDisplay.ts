import type { Writable } from 'node:stream';
import type { CrewEvent } from '../../engine/events.ts';
import { applyEvent, renderProgressText, type ProgressView, type TaskMark } from '../progressView.ts';
import { StreamedText } from '../streamedText.ts';
import { renderTaskOutput, terminalText } from './consoleRenderer.ts';

export interface ProgressDisplayOptions {
  output: Writable;
  /** A terminal redraws the block in place; anything else gets plain lines. */
  isTTY: boolean;
  view: ProgressView;
  /** Print each task's output as it completes (the crew's `verbose`). */
  verbose: boolean;
  /** Least time between two redraws in a terminal. */
  frameMs?: number | undefined;
  /** What the person types meanwhile, drawn under the block so a redraw does not wipe it. */
  typing?: TypedAhead | undefined;
  now?: (() => number) | undefined;
}

/** Text typed at the terminal while no prompt is open (ConsoleInput). */
export interface TypedAhead {
  typedAhead(): { entered: readonly string[]; typing: string };
  takeLinesMoved(): number;
}

const UP_AND_CLEAR = (lines: number) => `\u001b[${lines}A\r\u001b[J`;
/** Lines of the agent's text kept under the checklist while it writes. */
const STREAMED_LINES = 6;

/**
 * Live progress of one run in the terminal, from its events. In a terminal the checklist is one
 * block redrawn in place at most every `frameMs` (and each second, for the elapsed time); in a
 * pipe or a log, lines are printed only when something changed. Between `start` and `finish` it
 * draws; outside (while a person answers) events only update the picture.
 */
export class ProgressDisplay {
  readonly #out: Writable;
  readonly #tty: boolean;
  readonly #verbose: boolean;
  readonly #frameMs: number;
  readonly #now: () => number;
  readonly #typing: TypedAhead | undefined;
  #view: ProgressView;
  #drawnLines = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #pending: NodeJS.Timeout | undefined;
  #ticker: NodeJS.Timeout | undefined;
  /** The picture at the last plain print, and the tasks finished by then. */
  #printed = '';
  #finished = '';
  #lastStep: string | undefined;
  #active = false;
  /** What the current agent is writing, shown under the checklist as it streams in. */
  readonly #streamed = new StreamedText();
  /** How many times the block was drawn (a terminal) or the checklist printed (plain). */
  draws = 0;

  constructor(options: ProgressDisplayOptions) {
    this.#out = options.output;
    this.#tty = options.isTTY;
    this.#verbose = options.verbose;
    this.#frameMs = options.frameMs ?? 100;
    this.#now = options.now ?? Date.now;
    this.#typing = options.typing;
    this.#view = options.view;
  }

  get view(): ProgressView {
    return this.#view;
  }

  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#lastStep = this.#view.step;
    if (this.#tty) {
      this.#draw();
      // The elapsed time moves even when no event comes.
      this.#ticker = setInterval(() => this.#pending ?? this.#draw(), 1000);
      this.#ticker.unref();
    } else {
      if (this.#picture() !== this.#printed) this.#printChecklist();
      this.#finished = this.#finishedTasks();
    }
  }

  onEvent(event: CrewEvent): void {
    if (event.type === 'llm_stream_chunk') {
      this.#onText(event);
      return;
    }
    if (event.type === 'task_completed' && event.taskId === this.#streamed.taskId) this.#streamed.clear();
    if ((event.type === 'llm_call_completed' || event.type === 'llm_call_failed') && this.#active && !this.#tty) {
      const rest = this.#streamed.rest();
      if (rest !== undefined) this.#writeText([rest]);
    }
    this.#view = applyEvent(this.#view, event);
    if (event.type === 'task_completed' && this.#verbose) this.print(renderTaskOutput(event.taskId, event.output.agent, event.output.raw));
    if (!this.#active) return;
    if (this.#tty) {
      this.#scheduleDraw();
      return;
    }
    if (event.type === 'tool_usage_error') this.#out.write(`  ! ${event.tool}: ${terminalText(event.error)}\n`);
    const finished = this.#finishedTasks();
    if (finished !== this.#finished) {
      this.#finished = finished;
      // The last task's checklist comes with the run's final status, from finish().
      if (this.#view.tasks.some((task) => isOpen(task.mark))) this.#printChecklist();
    }
    if (this.#view.step && this.#view.step !== this.#lastStep) this.#out.write(`  → ${terminalText(this.#view.step)}\n`);
    this.#lastStep = this.#view.step;
  }

  /** A terminal shows the last lines in the block; a log gets each line once it is complete. */
  #onText(event: Extract<CrewEvent, { type: 'llm_stream_chunk' }>): void {
    const lines = this.#streamed.push(event);
    if (!this.#active) return;
    if (this.#tty) this.#scheduleDraw();
    else this.#writeText(lines);
  }

  #writeText(lines: string[]): void {
    for (const line of lines) this.#out.write(`  │ ${terminalText(line)}\n`);
  }

  /** Text above the live block (a task's output, a notice); the block is drawn again below it. */
  print(text: string): void {
    const redraw = this.#tty && this.#active;
    if (redraw) this.#out.write(this.#clear());
    this.#drawnLines = 0;
    this.#out.write(`${text}\n`);
    if (redraw) this.#draw();
  }

  /** The last picture, drawn at once; no timer is left behind. */
  finish(): void {
    if (!this.#active) return;
    clearTimeout(this.#pending);
    clearInterval(this.#ticker);
    this.#pending = undefined;
    this.#ticker = undefined;
    // The last picture leaves typed text to the next prompt, which shows it after itself.
    if (this.#tty) this.#draw(true);
    else if (this.#picture() !== this.#printed) this.#printChecklist();
    this.#active = false;
    // What is printed next (a prompt, the result) stays; the next start draws a new block below it.
    this.#drawnLines = 0;
  }

  #scheduleDraw(): void {
    if (this.#pending) return;
    const wait = Math.max(0, this.#lastDraw + this.#frameMs - this.#now());
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#draw();
    }, wait);
  }

  #draw(last = false): void {
    const columns = 'columns' in this.#out && typeof this.#out.columns === 'number' ? this.#out.columns : 0;
    const width = columns > 1 ? columns - 1 : undefined;
    // A wrapped line would throw the count of lines to move back up off.
    const streamed = this.#streamed.tail(STREAMED_LINES).map((line) => `  │ ${line}`);
    const lines = terminalText([renderProgressText(this.#view, this.#now()), ...streamed].join('\n'))
      .split('\n')
      .map((line) => (width !== undefined && line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line));
    const { entered, typing } = last || !this.#typing ? { entered: [], typing: '' } : this.#typing.typedAhead();
    const typed = entered.map((line) => `${terminalText(line)}\n`).join('');
    this.#out.write(`${this.#clear()}${lines.join('\n')}\n${typed}${terminalText(typing)}`);
    this.#drawnLines = lines.length + entered.length;
    this.#lastDraw = this.#now();
    this.draws += 1;
  }

  /** Back to the top of the block, clearing it and whatever was typed under it (Enter moved the cursor further down). */
  #clear(): string {
    const moved = this.#typing?.takeLinesMoved() ?? 0;
    const lines = this.#drawnLines + (this.#drawnLines > 0 ? moved : 0);
    return lines > 0 ? UP_AND_CLEAR(lines) : '';
  }

  /** The run's status and its tasks' marks, agents and time left out: a plain log reprints only when this changed. */
  #picture(): string {
    return JSON.stringify([this.#view.status, this.#view.tasks.map((task) => task.mark)]);
  }

  #finishedTasks(): string {
    return JSON.stringify(this.#view.tasks.map((task) => (isOpen(task.mark) ? 'open' : task.mark)));
  }

  #printChecklist(): void {
    this.#printed = this.#picture();
    this.#out.write(`${terminalText(renderProgressText({ ...this.#view, step: undefined }, this.#now()))}\n`);
    this.draws += 1;
  }
}

function isOpen(mark: TaskMark): boolean {
  return mark === 'waiting' || mark === 'running' || mark === 'needs_input';
}
