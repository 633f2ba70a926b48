import type { CrewEvent } from '../engine/events.ts';

type StreamChunk = Extract<CrewEvent, { type: 'llm_stream_chunk' }>;

/**
 * The text an agent is writing, as it streams in: whole lines as they complete (for logs, which
 * print only whole lines) and the last lines so far (for views redrawn in place).
 */
export class StreamedText {
  #text = '';
  /** Where the lines already handed out by `push` end. */
  #linesUpTo = 0;
  taskId: string | undefined;
  agent: string | undefined;

  get text(): string {
    return this.#text;
  }

  /** Adds a piece (a new task or agent starts afresh) and returns the lines it completed. */
  push(chunk: StreamChunk): string[] {
    if (chunk.taskId !== this.taskId || chunk.agent !== this.agent) {
      this.clear();
      this.taskId = chunk.taskId;
      this.agent = chunk.agent;
    }
    if (chunk.restart) {
      // The call is made again: its text starts over (lines a log printed stay printed).
      this.#text = '';
      this.#linesUpTo = 0;
      return [];
    }
    this.#text += chunk.chunk;
    const end = this.#text.lastIndexOf('\n');
    if (end < this.#linesUpTo) return [];
    const lines = this.#text.slice(this.#linesUpTo, end).split('\n');
    this.#linesUpTo = end + 1;
    return lines;
  }

  /** The line still being written, handed out now (the answer is complete); later text starts a new line. */
  rest(): string | undefined {
    const rest = this.#text.slice(this.#linesUpTo);
    this.#text += rest === '' ? '' : '\n';
    this.#linesUpTo = this.#text.length;
    return rest === '' ? undefined : rest;
  }

  /** The last `count` non-empty lines written so far. */
  tail(count: number): string[] {
    return this.#text.split('\n').filter((line) => line.trim() !== '').slice(-count);
  }

  clear(): void {
    this.#text = '';
    this.#linesUpTo = 0;
    this.taskId = undefined;
    this.agent = undefined;
  }
}
