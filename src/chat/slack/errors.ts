/** Errors a person setting up or using the Slack surface can meet; each says what to do. */

/** A Slack variable missing or contradictory in the environment. */
export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}
