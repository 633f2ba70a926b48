import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConsoleInput } from '../../src/chat/console/consoleInput.ts';
import { ProgressDisplay } from '../../src/chat/console/progressDisplay.ts';
import { initialProgress } from '../../src/chat/progressView.ts';
import type { CrewEvent } from '../../src/engine/events.ts';
import { TerminalScreen } from '../support/terminalScreen.ts';

const usage = { llmCalls: 1, promptTokens: 10, completionTokens: 5 };
const at = () => Date.now();
const toolCall = (tool: string): CrewEvent => ({ type: 'tool_usage_started', runId: 'r', at: at(), agent: 'Senior Researcher', tool, arguments: '{}' });
const completed = (taskId: string, raw: string): CrewEvent => ({
  type: 'task_completed',
  runId: 'r',
  at: at(),
  taskId,
  output: { taskId, agent: 'Senior Researcher', description: '', raw, usage },
});

const writes = (taskId: string, text: string): CrewEvent => ({ type: 'llm_stream_chunk', runId: 'r', at: at(), taskId, agent: 'Senior Researcher', chunk: text });
const answered = (): CrewEvent => ({ type: 'llm_call_completed', runId: 'r', at: at(), taskId: 'research_task', agent: 'Senior Researcher', model: 'm', usage });

function display(isTTY: boolean, verbose = false) {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const shown = new ProgressDisplay({ output, isTTY, verbose, view: initialProgress('research', ['research_task', 'write_task'], Date.now()) });
  return { shown, text: () => text };
}

describe('live progress in a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws the block in place, coalescing a burst of events into one redraw per frame', () => {
    const { shown, text } = display(true);
    shown.start();
    expect(shown.draws).toBe(1);
    for (let i = 0; i < 50; i += 1) shown.onEvent(toolCall(`tool_${i}`));
    expect(shown.draws).toBe(1);
    vi.advanceTimersByTime(100);
    expect(shown.draws).toBe(2);
    // Back up over the three lines drawn (header and two tasks) and clear them before drawing again.
    expect(text()).toContain('\u001b[3A\r\u001b[J');
    expect(text()).toContain('→ Senior Researcher is calling tool_49');
    expect(text()).not.toContain('tool_48');
    shown.onEvent(toolCall('web_search'));
    vi.advanceTimersByTime(50);
    expect(shown.draws).toBe(2);
    vi.advanceTimersByTime(50);
    expect(shown.draws).toBe(3);
  });

  it('redraws each second for the elapsed time, and leaves no timer behind when finished', () => {
    const { shown, text } = display(true);
    shown.start();
    vi.advanceTimersByTime(3000);
    expect(shown.draws).toBe(4);
    expect(text()).toContain('research: running · 3s');
    shown.finish();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows the agent’s text under the checklist as it streams in, redrawn with the block, until its task is done', () => {
    const { shown, text } = display(true);
    shown.start();
    shown.onEvent(toolCall('web_search'));
    shown.onEvent(writes('research_task', 'Finding one: tides\nFinding '));
    shown.onEvent(writes('research_task', 'two: the moon\u001b]0;pwned\u0007'));
    vi.advanceTimersByTime(100);
    expect(shown.draws).toBe(2);
    const block = text().split('\u001b[J').at(-1)!;
    expect(block).toContain('  → Senior Researcher is calling web_search\n  │ Finding one: tides\n  │ Finding two: the moon\n');
    expect(text()).not.toContain('pwned');

    shown.onEvent(completed('research_task', 'Finding one: tides\nFinding two: the moon'));
    vi.advanceTimersByTime(100);
    expect(text().split('\u001b[J').at(-1)).not.toContain('│');
  });

  it('starts the shown text over when the model’s call is made again', () => {
    const { shown, text } = display(true);
    shown.start();
    shown.onEvent(writes('research_task', 'A first try that broke'));
    shown.onEvent({ type: 'llm_stream_chunk', runId: 'r', at: at(), taskId: 'research_task', agent: 'Senior Researcher', chunk: '', restart: true });
    shown.onEvent(writes('research_task', 'The answer'));
    vi.advanceTimersByTime(100);
    const block = text().split('\u001b[J').at(-1)!;
    expect(block).toContain('  │ The answer\n');
    expect(block).not.toContain('first try');
  });

  it('prints a verbose crew’s task output above the block, with control sequences from the model removed', () => {
    const { shown, text } = display(true, true);
    shown.start();
    shown.onEvent(completed('research_task', 'Ten findings\u001b[2J\u001b]0;pwned\u0007 and sources'));
    expect(text()).toContain('── research_task (Senior Researcher) ──\nTen findings and sources\n');
    expect(text()).not.toContain('\u001b[2J');
    expect(text()).not.toContain('pwned');
  });
});

describe('live progress in a pipe or a log', () => {
  it('prints plain lines only when something changed: steps as they change, the checklist when a task finishes', () => {
    const { shown, text } = display(false);
    shown.start();
    shown.onEvent(toolCall('web_search'));
    shown.onEvent(toolCall('web_search'));
    shown.onEvent(toolCall('fetch_url'));
    shown.onEvent(completed('research_task', 'Ten findings'));
    shown.finish();
    const lines = text().split('\n');
    expect(lines.filter((line) => line.includes('is calling web_search'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('is calling fetch_url'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('research: running'))).toHaveLength(2);
    expect(text()).toContain('  [x] research_task — Senior Researcher\n  [ ] write_task');
    expect(text()).not.toContain('\u001b');
  });

  it('prints the agent’s streamed text a whole line at a time, each line once, the last when the answer is in', () => {
    const { shown, text } = display(false);
    shown.start();
    shown.onEvent(writes('research_task', 'Tides rise'));
    expect(text()).not.toContain('Tides');
    shown.onEvent(writes('research_task', ' and fall.\nTwice '));
    shown.onEvent(writes('research_task', 'a day.'));
    shown.onEvent(answered());
    shown.finish();
    expect(text()).toContain('  │ Tides rise and fall.\n  │ Twice a day.\n');
    expect(text().match(/Tides rise/g)).toHaveLength(1);
  });
});

describe('typing while the progress redraws in a terminal', () => {
  /** The live block over a real ConsoleInput reading keystrokes as a terminal sends them. */
  function typedSession() {
    const keys = new PassThrough();
    const output = new PassThrough();
    const screen = new TerminalScreen();
    output.on('data', (chunk: Buffer) => screen.write(chunk.toString()));
    const input = new ConsoleInput({ input: keys, output, isTTY: true });
    const shown = new ProgressDisplay({ output, isTTY: true, verbose: false, frameMs: 0, typing: input, view: initialProgress('research', ['research_task', 'write_task'], Date.now()) });
    return { keys, input, shown, screen };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('keeps what is typed visible under the block, and after Enter leaves no stale status line', async () => {
    const { keys, input, shown, screen } = typedSession();
    shown.start();
    keys.write('shor');
    await settle();
    shown.onEvent(toolCall('web_search'));
    await settle();
    expect(screen.lines().at(-1)).toBe('shor');

    keys.write('ter\r');
    await settle();
    shown.onEvent(toolCall('fetch_url'));
    await settle();
    const lines = screen.lines();
    // One status line, the checklist, the step, and the line typed ahead under them.
    expect(lines.filter((line) => line.startsWith('research: '))).toHaveLength(1);
    expect(lines.at(-2)).toContain('→ Senior Researcher is calling fetch_url');
    expect(lines.at(-1)).toBe('shorter');

    shown.finish();
    const answer = input.ask('crewbot> ');
    await expect(answer).resolves.toBe('shorter');
    expect(screen.lines().filter((line) => line.startsWith('research: '))).toHaveLength(1);
    expect(screen.lines().at(-1)).toBe('crewbot> shorter');
    input.close();
  });
});
