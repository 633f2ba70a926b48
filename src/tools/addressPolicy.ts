import { lookup as dnsLookup } from 'node:dns';
import type { RequestOptions } from 'node:http';
import { isIP } from 'node:net';

/** Whether fetch_url may connect to an address, and if not, why (the reason reaches the model and the log). */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Decides whether an IP address (v4 or v6, no brackets) may be connected to. */
export type AddressPolicy = (address: string) => AddressVerdict;

interface Range {
  bytes: number[];
  prefixLength: number;
  reason: string;
}

const ALLOWED: AddressVerdict = { allowed: true };

const IPV4_RANGES: Range[] = [
  { bytes: [0, 0, 0, 0], prefixLength: 8, reason: 'an unspecified ("this network") address' },
  { bytes: [10, 0, 0, 0], prefixLength: 8, reason: 'a private network address' },
  { bytes: [100, 64, 0, 0], prefixLength: 10, reason: 'a carrier-grade NAT (shared) address' },
  { bytes: [127, 0, 0, 0], prefixLength: 8, reason: 'a loopback address' },
  { bytes: [169, 254, 0, 0], prefixLength: 16, reason: 'a link-local address (cloud metadata lives here)' },
  { bytes: [172, 16, 0, 0], prefixLength: 12, reason: 'a private network address' },
  { bytes: [192, 0, 0, 0], prefixLength: 24, reason: 'an IETF protocol assignment address' },
  { bytes: [192, 168, 0, 0], prefixLength: 16, reason: 'a private network address' },
  { bytes: [198, 18, 0, 0], prefixLength: 15, reason: 'a benchmarking network address' },
  { bytes: [224, 0, 0, 0], prefixLength: 4, reason: 'a multicast address' },
  { bytes: [240, 0, 0, 0], prefixLength: 4, reason: 'a reserved or broadcast address' },
];

const IPV6_RANGES: Range[] = [
  { bytes: bytes16([]), prefixLength: 128, reason: 'an unspecified address' },
  { bytes: bytes16([], [1]), prefixLength: 128, reason: 'a loopback address' },
  { bytes: bytes16([0xfc]), prefixLength: 7, reason: 'a private (unique local) address' },
  { bytes: bytes16([0xfe, 0x80]), prefixLength: 10, reason: 'a link-local address' },
  { bytes: bytes16([0xfe, 0xc0]), prefixLength: 10, reason: 'a site-local address' },
  { bytes: bytes16([0xff]), prefixLength: 8, reason: 'a multicast address' },
];

/** IPv6 forms that carry an IPv4 address in their last 32 bits, judged by that IPv4 address. */
const IPV4_EMBEDDING_PREFIXES: Range[] = [
  { bytes: bytes16([], [0xff, 0xff, 0, 0, 0, 0]), prefixLength: 96, reason: 'IPv4-mapped' },
  { bytes: bytes16([]), prefixLength: 96, reason: 'IPv4-compatible' },
  { bytes: bytes16([0, 0x64, 0xff, 0x9b]), prefixLength: 96, reason: 'NAT64' },
];

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
  if (family === 4) return verdictForIpv4(parseIpv4(address));
  if (family === 6) return verdictForIpv6(parseIpv6(address));
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

function verdictForIpv4(address: number[]): AddressVerdict {
  const range = IPV4_RANGES.find((candidate) => inRange(address, candidate));
  return range ? { allowed: false, reason: range.reason } : ALLOWED;
}

function verdictForIpv6(address: number[]): AddressVerdict {
  const embedding = IPV4_EMBEDDING_PREFIXES.find((candidate) => inRange(address, candidate));
  // "::" and "::1" fall inside the IPv4-compatible prefix, so the IPv6 ranges are checked first.
  const range = IPV6_RANGES.find((candidate) => inRange(address, candidate));
  if (range) return { allowed: false, reason: range.reason };
  if (embedding) {
    const verdict = verdictForIpv4(address.slice(12));
    return verdict.allowed ? verdict : { allowed: false, reason: `${verdict.reason} (${embedding.reason} IPv6)` };
  }
  // 6to4 (2002::/16) carries its IPv4 address in bits 16-47.
  if (address[0] === 0x20 && address[1] === 0x02) {
    const verdict = verdictForIpv4(address.slice(2, 6));
    return verdict.allowed ? verdict : { allowed: false, reason: `${verdict.reason} (6to4 IPv6)` };
  }
  return ALLOWED;
}

function inRange(address: number[], range: Range): boolean {
  for (let bit = 0; bit < range.prefixLength; bit += 8) {
    const remaining = range.prefixLength - bit;
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    const index = bit / 8;
    if (((address[index] ?? 0) & mask) !== ((range.bytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

function parseIpv4(address: string): number[] {
  return address.split('.').map((part) => Number.parseInt(part, 10));
}

/** Parses an address that net.isIP already accepted as IPv6 into its 16 bytes. */
function parseIpv6(address: string): number[] {
  const withoutZone = address.split('%')[0] ?? address;
  const [head = '', tail] = withoutZone.split('::');
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<number>(Math.max(missing, 0)).fill(0), ...tailGroups];
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

function toGroups(part: string): number[] {
  if (part === '') return [];
  return part.split(':').flatMap((group) => {
    if (group.includes('.')) {
      const [a = 0, b = 0, c = 0, d = 0] = parseIpv4(group);
      return [(a << 8) | b, (c << 8) | d];
    }
    return [Number.parseInt(group, 16)];
  });
}

/** A 16-byte IPv6 address from its leading bytes and its trailing bytes. */
function bytes16(head: number[], tail: number[] = []): number[] {
  return [...head, ...Array<number>(16 - head.length - tail.length).fill(0), ...tail];
}
