/** A server's settings cannot be used as they are (a variable missing from the environment). */
export class McpServerConfigError extends Error {
  override name = 'McpServerConfigError';
}

/** The server could not be reached, stopped answering, or failed the call; the agent sees this message. */
export class McpServerUnavailableError extends Error {
  override name = 'McpServerUnavailableError';
}
