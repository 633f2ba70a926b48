import { slackErrorCode } from './types.ts';

/** Slack features crewbot uses when the workspace and the app allow them, and falls back from otherwise. */
export type SlackFeature = 'assistant_status' | 'assistant_title' | 'streaming';

/**
 * Errors that mean a feature will not work with this token anywhere in the workspace (the app is
 * not an agent app, a scope is missing, the method is unknown to this workspace).
 */
const WORKSPACE_REFUSALS = new Set([
  'not_allowed',
  'not_allowed_token_type',
  'missing_scope',
  'no_permission',
  'access_denied',
  'feature_not_enabled',
  'unknown_method',
  'method_not_supported_for_channel_type',
  'team_access_not_granted',
  'enterprise_is_restricted',
]);

/** Errors that mean streaming will not work in this thread only (a channel type, a requester Slack cannot address). */
const THREAD_REFUSALS = new Set(['channel_type_not_supported', 'missing_recipient_user_id', 'missing_recipient_team_id', 'invalid_thread_ts', 'user_not_found']);

/**
 * Which optional features still work in this workspace. A process holds one bot token, so one
 * workspace: the first refusal turns a feature off for the process instead of failing every time.
 */
export class SlackFeatures {
  readonly #off = new Set<SlackFeature>();

  available(feature: SlackFeature): boolean {
    return !this.#off.has(feature);
  }

  /** Reads a failed call: 'workspace' (now off here), 'thread' (only this thread), or undefined (another failure). */
  refused(feature: SlackFeature, error: unknown): 'workspace' | 'thread' | undefined {
    const code = slackErrorCode(error);
    if (code && WORKSPACE_REFUSALS.has(code)) {
      this.#off.add(feature);
      return 'workspace';
    }
    return code && THREAD_REFUSALS.has(code) ? 'thread' : undefined;
  }
}
