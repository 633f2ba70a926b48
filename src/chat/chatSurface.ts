/**
 * What starting a chat surface returns, the same for Slack and Discord (and what `crewbot start`
 * waits on): each adds what only it has (Slack's port, Discord's client).
 */
export interface ChatSurface {
  /** Resolves once every event received so far is handled and every post and edit it caused has been sent. */
  idle(): Promise<void>;
  /** Stops listening, finishes what was acknowledged, and sends what is queued. */
  stop(): Promise<void>;
}
