import { CrewSettingsError } from '../inbound/accessPolicy.ts';

/** Errors a person setting up or using the Slack surface can meet; each says what to do. */

/** A Slack variable missing or contradictory in the environment. */
export class SlackConfigError extends Error {
  override name = 'SlackConfigError';
}

/** crew.yaml's `slack:` section is not valid; says which key and what to write. */
export class SlackSettingsError extends CrewSettingsError {
  override name = 'SlackSettingsError';
}
