import type { CrewListing } from '../../crews/listCrews.ts';
import type { LoadedCrew } from '../../crews/loadCrew.ts';

/** Where crews come from (the Runtime fits). */
export interface CrewSource {
  listCrews(): Promise<CrewListing[]>;
  loadCrew(nameOrDir: string): Promise<LoadedCrew>;
}

/** The crews people can start from Slack: by name only, from the crews directory. */
export class CrewCatalog {
  readonly #source: CrewSource;
  readonly #ttlMs: number;
  #listing: { at: number; crews: Promise<CrewListing[]> } | undefined;
  readonly #loaded = new Map<string, { at: number; crew: Promise<LoadedCrew> }>();

  constructor(source: CrewSource, ttlMs = 5_000) {
    this.#source = source;
    this.#ttlMs = ttlMs;
  }

  /** The listing (and each crew loaded) is kept a few seconds: a burst of commands reads the crews directory once. */
  list(): Promise<CrewListing[]> {
    if (!this.#listing || Date.now() - this.#listing.at > this.#ttlMs) {
      const crews = this.#source.listCrews();
      this.#listing = { at: Date.now(), crews };
      crews.catch(() => (this.#listing = undefined));
    }
    return this.#listing.crews;
  }

  /** Loads a crew by a name the listing has; chat text never reaches the loader as a path. */
  async load(name: string): Promise<LoadedCrew> {
    const crews = await this.list();
    if (!crews.some((crew) => crew.name === name)) {
      throw new UnknownCrewError(`No crew "${name}". Crews: ${crews.map((crew) => crew.name).join(', ') || 'none yet'}.`);
    }
    const known = this.#loaded.get(name);
    if (known && Date.now() - known.at <= this.#ttlMs) return known.crew;
    const crew = this.#source.loadCrew(name);
    this.#loaded.set(name, { at: Date.now(), crew });
    crew.catch(() => this.#loaded.delete(name));
    return crew;
  }
}

export class UnknownCrewError extends Error {
  override name = 'UnknownCrewError';
}
