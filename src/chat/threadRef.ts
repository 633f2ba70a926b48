import { PlatformSchema, ThreadRefSchema, type Platform, type ThreadRef } from '../runs/runRecord.ts';

/** A thread id that is not `<platform>:<part>[:<part>...]`. */
export class ThreadIdError extends Error {
  override name = 'ThreadIdError';
}

/**
 * A thread whose id carries its platform: `threadRef('slack', 'C123', '1700000000.0001')` is
 * `slack:C123:1700000000.0001`. Parts may not contain `:` so the id splits back into them.
 */
export function threadRef(platform: Platform, ...parts: string[]): ThreadRef {
  if (parts.length === 0) throw new ThreadIdError(`A ${platform} thread id needs at least one part after "${platform}:".`);
  for (const part of parts) {
    if (part === '' || part.includes(':')) {
      throw new ThreadIdError(`Thread id part ${JSON.stringify(part)} must be non-empty and free of ":".`);
    }
  }
  return ThreadRefSchema.parse({ platform, id: [platform, ...parts].join(':') });
}

/** The thread of a run started in the terminal: `console:<runId>`. */
export function consoleThread(runId: string): ThreadRef {
  return threadRef('console', runId);
}

/** Reads a thread id back (e.g. from a button's value or a stored index) into its platform and parts. */
export function parseThreadId(id: string): { thread: ThreadRef; parts: string[] } {
  const [platform, ...parts] = id.split(':');
  const known = PlatformSchema.safeParse(platform);
  if (!known.success) {
    throw new ThreadIdError(`Thread id ${JSON.stringify(id)} does not start with a platform (${PlatformSchema.options.join(', ')}) and ":".`);
  }
  return { thread: threadRef(known.data, ...parts), parts };
}

/** The platform-specific parts of a thread id (channel, timestamp, run id, ...), checked against its platform. */
export function threadParts(thread: ThreadRef): string[] {
  const { thread: parsed, parts } = parseThreadId(thread.id);
  if (parsed.platform !== thread.platform) {
    throw new ThreadIdError(`Thread id ${JSON.stringify(thread.id)} belongs to ${parsed.platform}, not ${thread.platform}.`);
  }
  return parts;
}
