import type { LlmClient, LlmRequest, LlmResponse } from './types.ts';

/**
 * An LLM client made on its first call, so commands that never call a model (list, validate,
 * runs, show) never import an SDK for it.
 */
export class DeferredLlm implements LlmClient {
  readonly #make: () => Promise<LlmClient>;
  #client: Promise<LlmClient> | undefined;

  constructor(make: () => Promise<LlmClient>) {
    this.#make = make;
  }

  async chat(request: LlmRequest): Promise<LlmResponse> {
    this.#client ??= this.#make();
    return (await this.#client).chat(request);
  }
}
