import type { Redactor } from '../redactor.ts';

/**
 * Everything this process writes to stdout and stderr — results, progress, warnings, the chat
 * libraries' logs — passes the redactor first, so no secret reaches a terminal or a log file.
 */
export function redactProcessOutput(redactor: Redactor): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? redactor.redact(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}
