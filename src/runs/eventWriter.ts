import { errorMessage } from '../engine/errors.ts';
import { isLiveOnly, type CrewEvent } from '../engine/events.ts';
import { FencedOutError } from './runStore.ts';

/** Appends events to the run's log in order, without holding the run up on each write; live-only ones are passed on, not kept. */
export class EventWriter {
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly append: (event: CrewEvent) => Promise<void>,
    private readonly runId: string,
    private readonly notify: (event: CrewEvent) => void,
  ) {}

  write(event: CrewEvent): void {
    this.notify(event);
    if (isLiveOnly(event)) return;
    this.#chain = this.#chain.then(() => this.append(event)).catch((error: unknown) => {
      // A fenced-out owner has already stopped; its events are meant to be dropped.
      if (error instanceof FencedOutError) return;
      process.emitWarning(`could not record event ${event.type} of run ${this.runId}: ${errorMessage(error)}`);
    });
  }

  flush(): Promise<void> {
    return this.#chain;
  }
}
