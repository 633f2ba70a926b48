import ipaddr from 'ipaddr.js';

const LOCAL_RANGES = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal', 'unspecified', 'carrierGradeNat']);
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.lan', '.home.arpa'];

/**
 * Whether a base URL points at this machine or a private network (Ollama on localhost, a server
 * on the LAN or in a compose network). There a refused connection means the server is not
 * running, which patience does not fix; a public endpoint may just be having a bad minute.
 */
export function isLocalEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (ipaddr.isValid(host)) {
    const address = ipaddr.process(host);
    return LOCAL_RANGES.has(address.range());
  }
  // A name without a dot ("ollama" in a compose network) only resolves on a local network.
  return host === 'localhost' || !host.includes('.') || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}
