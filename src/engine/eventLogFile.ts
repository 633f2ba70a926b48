import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from './errors.ts';
import type { CrewEvent } from './events.ts';
import { outputPath } from './outputFile.ts';

/** crew.yaml `output_log_file`: every event of a run, appended as one JSON line each, in order. */
export class EventLogFile {
  #chain: Promise<void>;
  #warned = false;

  private constructor(readonly file: string) {
    this.#chain = mkdir(path.dirname(this.file), { recursive: true }).then(
      () => undefined,
      (error: unknown) => this.#warn(error),
    );
  }

  /** Throws OutputFileError (before the run starts) when the path leaves the output directory. */
  static open(template: string, inputs: Record<string, string>, outputDir: string): EventLogFile {
    return new EventLogFile(outputPath(template, inputs, outputDir, 'output_log_file'));
  }

  write(event: CrewEvent): void {
    const line = `${JSON.stringify(event)}\n`;
    this.#chain = this.#chain.then(() => appendFile(this.file, line, 'utf8')).catch((error: unknown) => this.#warn(error));
  }

  /** Resolves once every line written so far is on disk. */
  flush(): Promise<void> {
    return this.#chain;
  }

  /** A log that cannot be written never stops the run; it is said once. */
  #warn(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    process.emitWarning(`output_log_file ${path.basename(this.file)}: ${errorMessage(error)}`);
  }
}
