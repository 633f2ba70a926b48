import { lookup as dnsLookup } from 'node:dns';
import type { RequestOptions } from 'node:http';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Whether fetch_url may connect to an address, and if not, why (the reason reaches the model and the log). */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Decides whether an IP address (v4 or v6, no brackets) may be connected to. */
export type AddressPolicy = (address: string) => AddressVerdict;

const ALLOWED: AddressVerdict = { allowed: true };

/**
 * Why each of ipaddr.js's special-purpose IPv4 ranges is refused. The library keeps the
 * IANA registries; a range it adds later is refused under its own name until it is described here.
 */
const IPV4_REASONS: Record<string, string> = {
  unspecified: 'an unspecified ("this network") address',
  broadcast: 'a reserved or broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (cloud metadata lives here)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT (shared) address',
  private: 'a private network address',
  reserved: 'a reserved, documentation or benchmarking address',
  as112: 'an AS112 DNS sink address',
  amt: 'an AMT relay address',
};

const IPV6_REASONS: Record<string, string> = {
  unspecified: 'an unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  loopback: 'a loopback address',
  uniqueLocal: 'a private (unique local) address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  teredo: 'a Teredo tunnel address (it reaches IPv4 hosts that cannot be checked)',
  benchmarking: 'a benchmarking address',
  amt: 'an AMT relay address',
  as112v6: 'an AS112 DNS sink address',
  deprecatedOrchid: 'an ORCHID (non-routable) address',
  orchid2: 'an ORCHID (non-routable) address',
  droneRemoteIdProtocolEntityTags: 'a drone remote ID (non-routable) address',
  segmentRouting: 'a segment routing address',
  reserved: 'a reserved or documentation address',
};

/** Local-use NAT64 (RFC 8215): translated by a network's own gateway, so it can reach its private IPv4 hosts. */
const LOCAL_USE_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48');

/** Host names that reach cloud instance metadata without looking like an address. */
const METADATA_HOSTNAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** The production policy: only public unicast addresses. */
export const publicAddressesOnly: AddressPolicy = (address) => {
  const family = isIP(address);
  if (family === 4) return verdictForIpv4(ipaddr.IPv4.parse(address));
  if (family === 6) return verdictForIpv6(ipaddr.IPv6.parse(address));
  return { allowed: false, reason: 'not an IP address' };
};

/** Refuses metadata service names before any DNS lookup; every other name is judged by the addresses it resolves to. */
export function checkHostname(hostname: string): AddressVerdict {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (METADATA_HOSTNAMES.has(name)) return { allowed: false, reason: 'a cloud metadata host name' };
  return ALLOWED;
}

export type ConnectLookup = NonNullable<RequestOptions['lookup']>;

/**
 * A DNS lookup for node:http(s) that refuses when any resolved address breaks the policy. The socket
 * connects only to addresses this returns, so a name cannot be re-resolved to a private address after the check.
 */
export function policyCheckedLookup(policy: AddressPolicy, refuse: (address: string, reason: string) => Error): ConnectLookup {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      for (const { address } of addresses) {
        const verdict = policy(address);
        if (!verdict.allowed) return callback(refuse(address, verdict.reason), '');
      }
      const [first] = addresses;
      if (options.all) return callback(null, addresses);
      if (!first) return callback(Object.assign(new Error(`No address found for ${hostname}`), { code: 'ENOTFOUND' }), '');
      return callback(null, first.address, first.family);
    });
  };
}

function verdictForIpv4(address: ipaddr.IPv4): AddressVerdict {
  const range = address.range();
  if (range === 'unicast') return ALLOWED;
  return { allowed: false, reason: IPV4_REASONS[range] ?? `a special-purpose address (${range})` };
}

function verdictForIpv6(address: ipaddr.IPv6): AddressVerdict {
  if (address.match(LOCAL_USE_NAT64)) return { allowed: false, reason: 'a local-use NAT64 address' };
  const range = address.range();
  const embedding = EMBEDDINGS[range] ?? (isIpv4Compatible(address) ? EMBEDDINGS.ipv4Compatible : undefined);
  if (embedding) {
    const verdict = verdictForIpv4(embedding.ipv4(address.toByteArray()));
    return verdict.allowed ? verdict : { allowed: false, reason: `${verdict.reason} (${embedding.name} IPv6)` };
  }
  if (range === 'unicast') return ALLOWED;
  return { allowed: false, reason: IPV6_REASONS[range] ?? `a special-purpose address (${range})` };
}

interface Ipv4Embedding {
  name: string;
  ipv4(bytes: number[]): ipaddr.IPv4;
}

const lastFourBytes = (bytes: number[]) => new ipaddr.IPv4(bytes.slice(12));

/** IPv6 forms that carry an IPv4 address, judged by that IPv4 address. */
const EMBEDDINGS: Record<string, Ipv4Embedding> = {
  ipv4Mapped: { name: 'IPv4-mapped', ipv4: lastFourBytes },
  rfc6145: { name: 'IPv4-translated', ipv4: lastFourBytes },
  rfc6052: { name: 'NAT64', ipv4: lastFourBytes },
  ipv4Compatible: { name: 'IPv4-compatible', ipv4: lastFourBytes },
  // 6to4 (2002::/16) carries its IPv4 address in bits 16-47.
  '6to4': { name: '6to4', ipv4: (bytes) => new ipaddr.IPv4(bytes.slice(2, 6)) },
};

/** The deprecated ::a.b.c.d form, which the library counts as unicast; "::" and "::1" have ranges of their own. */
function isIpv4Compatible(address: ipaddr.IPv6): boolean {
  return address.parts.slice(0, 6).every((part) => part === 0) && address.range() === 'unicast';
}
