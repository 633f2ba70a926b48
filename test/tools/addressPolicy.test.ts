import { describe, expect, it } from 'vitest';
import { checkHostname, publicAddressesOnly } from '../../src/tools/addressPolicy.ts';

describe('publicAddressesOnly: fetch_url connects only to public unicast addresses', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.5', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fc00::1', 'unique local'],
    ['fd12:3456:789a::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::2', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:100.64.0.1', 'carrier-grade NAT'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    // Spellings that got through hand-kept tables: each reaches a private or loopback IPv4 host.
    ['::ffff:0:7f00:1', 'loopback address (IPv4-translated IPv6)'],
    ['::ffff:0:a00:5', 'private network address (IPv4-translated IPv6)'],
    ['64:ff9b:1::a00:5', 'local-use NAT64'],
    ['64:ff9b:1::808:808', 'local-use NAT64'],
    ['2001::1', 'Teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard'],
    ['192.0.2.10', 'documentation'],
  ])('refuses %s (%s)', (address, reasonWord) => {
    const verdict = publicAddressesOnly(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed ? '' : verdict.reason).toContain(reasonWord);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '192.169.0.0',
    '223.255.255.255',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    'fbff::1',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('allows %s', (address) => {
    expect(publicAddressesOnly(address)).toEqual({ allowed: true });
  });

  it('refuses text that is not an IP address', () => {
    expect(publicAddressesOnly('example.com')).toEqual({ allowed: false, reason: 'not an IP address' });
  });
});

describe('checkHostname: metadata service names are refused before DNS', () => {
  it.each(['metadata.google.internal', 'METADATA.google.internal.', 'metadata', 'metadata.goog', 'instance-data'])(
    'refuses %s',
    (hostname) => {
      expect(checkHostname(hostname).allowed).toBe(false);
    },
  );

  it.each(['example.com', 'metadata.example.com', 'localhost'])('leaves %s to the address check', (hostname) => {
    expect(checkHostname(hostname)).toEqual({ allowed: true });
  });
});
