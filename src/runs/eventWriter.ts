import { errorMessage } from '../engine/errors.ts';
import type { CrewEvent } from '../engine/events.ts';
import type { RunStore } from './runStore.ts';

/** Appends events to the run's log in order, without holding the run up on each write. */
export class EventWriter {
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly notify: (event: CrewEvent) => void,
  ) {}

  write(event: CrewEvent): void {
    this.notify(event);
    this.#chain = this.#chain.then(() => this.store.appendEvent(this.runId, event)).catch((error: unknown) => {
      process.emitWarning(`could not record event ${event.type} of run ${this.runId}: ${errorMessage(error)}`);
    });
  }

  flush(): Promise<void> {
    return this.#chain;
  }
}
