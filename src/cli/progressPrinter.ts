import { applyEvent, renderProgressText, type ProgressView } from '../chat/progressView.ts';
import type { CrewEvent } from '../engine/events.ts';
import { StreamedText } from '../chat/streamedText.ts';
import type { CliIo } from './io.ts';
import { commandName } from './commandName.ts';

/**
 * Live progress on stderr: the task checklist whenever a task changes state, one line per step in
 * between, and under it the text the agent writes, line by line as it streams in. Plain lines work
 * the same in a terminal, a pipe and a CI log.
 */
export function progressPrinter(io: CliIo, start: ProgressView, verbose = false): (event: CrewEvent) => void {
  let view = start;
  let lastStep: string | undefined;
  const streamed = new StreamedText();
  const write = (line: string) => io.err(`  │ ${line}`);
  return (event) => {
    view = applyEvent(view, event);
    switch (event.type) {
      case 'llm_stream_chunk':
        streamed.push(event).forEach(write);
        return;
      case 'llm_call_completed':
      case 'llm_call_failed': {
        const rest = streamed.rest();
        if (rest !== undefined) write(rest);
        break;
      }
      case 'task_completed':
      case 'task_skipped':
      case 'task_failed':
      case 'crew_kickoff_completed':
      case 'crew_kickoff_failed':
      case 'crew_suspended':
        io.err(renderProgressText({ ...view, step: undefined }, event.at));
        if (event.type === 'task_skipped') io.err(`  ${event.taskId} skipped: ${event.reason}`);
        if (event.type === 'task_completed' && verbose) io.err(`\n${event.output.raw}\n`);
        break;
      case 'tool_usage_error':
        io.err(`  ! ${event.tool}: ${event.error}`);
        break;
      case 'lesson_learned':
        io.err(`  crewbot will remember: ${event.lesson} (to forget it: ${commandName()} lessons forget ${event.lessonId})`);
        break;
      default:
        if (view.step && view.step !== lastStep) io.err(`  → ${view.step}`);
    }
    lastStep = view.step;
  };
}
