import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { publicAddressesOnly, type AddressPolicy } from '../../src/tools/addressPolicy.ts';
import { createFetchUrlTool, FetchRefusedError, type FetchUrlOptions } from '../../src/tools/fetchUrl.ts';
import { page, redirect, startLocalWeb, type LocalWeb } from '../support/localWeb.ts';

const context = { runId: 'run-1', taskId: 'research', agentRole: 'Researcher' };

/** Runs `action` and counts the TCP connections opened meanwhile (Node publishes each new client socket). */
async function withSocketCount(action: () => Promise<unknown>): Promise<{ sockets: number; error: unknown }> {
  let sockets = 0;
  const onSocket = () => {
    sockets += 1;
  };
  subscribe('net.client.socket', onSocket);
  try {
    const error = await action().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return { sockets, error };
  } finally {
    unsubscribe('net.client.socket', onSocket);
  }
}

describe('fetch_url refuses to reach this machine, private networks and cloud metadata', () => {
  let web: LocalWeb;
  beforeAll(async () => {
    web = await startLocalWeb({
      '/': page('text/plain', 'internal admin page'),
      '/public': page('text/plain', 'public page'),
    });
  });
  afterAll(async () => {
    await web.close();
  });
  beforeEach(() => {
    web.requests.length = 0;
  });

  const fetchUrl = (url: string, options: FetchUrlOptions = {}) =>
    createFetchUrlTool(options).invoke(JSON.stringify({ url }), context);

  it('refuses a loopback IP address and never reaches the server', async () => {
    await expect(fetchUrl(web.url('/'))).rejects.toThrow(
      `Refusing to fetch ${web.url('/')}: 127.0.0.1 is a loopback address.`,
    );
    expect(web.requests).toEqual([]);
  });

  it('refuses a host name that resolves to loopback (the check runs on the resolved address)', async () => {
    const url = `http://localhost:${web.port}/`;
    await expect(fetchUrl(url)).rejects.toThrow(/^Refusing to fetch http:\/\/localhost:\d+\/: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(web.requests).toEqual([]);
  });

  it('refuses a private address without opening a connection', async () => {
    const { sockets, error } = await withSocketCount(() => fetchUrl('http://10.0.0.5/'));

    expect(error).toBeInstanceOf(FetchRefusedError);
    expect((error as Error).message).toContain('Refusing to fetch http://10.0.0.5/: 10.0.0.5 is a private network address.');
    expect(sockets).toBe(0);
  });

  it('does count the connection of an allowed fetch (so the check above can fail)', async () => {
    const { sockets, error } = await withSocketCount(() => fetchUrl(web.url('/public'), { allowPrivate: true }));

    expect(error).toBeUndefined();
    expect(sockets).toBe(1);
  });

  it('refuses the cloud metadata address and its host name', async () => {
    await expect(fetchUrl('http://169.254.169.254/latest/meta-data')).rejects.toThrow(
      'Refusing to fetch http://169.254.169.254/latest/meta-data: 169.254.169.254 is a link-local address',
    );
    await expect(fetchUrl('http://metadata.google.internal/computeMetadata/v1/')).rejects.toThrow(
      'metadata.google.internal is a cloud metadata host name',
    );
  });

  it('refuses IPv6 loopback and IPv4-mapped IPv6 loopback', async () => {
    await expect(fetchUrl('http://[::1]/')).rejects.toThrow('Refusing to fetch http://[::1]/: ::1 is a loopback address.');
    await expect(fetchUrl(`http://[::ffff:127.0.0.1]:${web.port}/`)).rejects.toThrow(/loopback address \(IPv4-mapped IPv6\)/);
    expect(web.requests).toEqual([]);
  });

  it('tells the operator how to allow private addresses', async () => {
    await expect(fetchUrl('http://192.168.0.1/')).rejects.toThrow('FETCH_ALLOW_PRIVATE=1');
  });

  it('reaches the same server when private addresses are allowed', async () => {
    await expect(fetchUrl(web.url('/'), { allowPrivate: true })).resolves.toContain('internal admin page');
  });

  describe('a public page that redirects to a private address', () => {
    // 127.0.0.1 plays the public site here; every other address keeps the production rules.
    const loopbackPlaysPublic: AddressPolicy = (address) =>
      address === '127.0.0.1' ? { allowed: true } : publicAddressesOnly(address);

    let site: LocalWeb;
    beforeAll(async () => {
      site = await startLocalWeb({
        '/article': page('text/plain', 'an ordinary article'),
        '/to-loopback': redirect('http://127.0.0.2/admin'),
        '/to-private': redirect('http://10.0.0.5/admin'),
        '/to-metadata': redirect('http://169.254.169.254/latest/meta-data/iam/security-credentials/'),
        '/to-ipv6-loopback': redirect('http://[::1]/admin', 307),
        '/via-hop': redirect('/to-private', 301),
      });
    });
    afterAll(async () => {
      await site.close();
    });
    beforeEach(() => {
      site.requests.length = 0;
    });

    const fetchAsPublic = (path: string) => fetchUrl(site.url(path), { addressPolicy: loopbackPlaysPublic });

    it('fetches the "public" site itself', async () => {
      await expect(fetchAsPublic('/article')).resolves.toContain('an ordinary article');
    });

    it.each([
      ['/to-loopback', 'http://127.0.0.2/admin', '127.0.0.2 is a loopback address'],
      ['/to-private', 'http://10.0.0.5/admin', '10.0.0.5 is a private network address'],
      ['/to-metadata', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', '169.254.169.254 is a link-local address'],
      ['/to-ipv6-loopback', 'http://[::1]/admin', '::1 is a loopback address'],
    ])('refuses the hop from %s to %s', async (path, target, reason) => {
      await expect(fetchAsPublic(path)).rejects.toThrow(`Refusing to fetch ${target}: ${reason}`);
      expect(site.requests).toEqual([path]);
    });

    it('re-checks every hop of a longer chain', async () => {
      await expect(fetchAsPublic('/via-hop')).rejects.toThrow('Refusing to fetch http://10.0.0.5/admin');
      expect(site.requests).toEqual(['/via-hop', '/to-private']);
    });
  });
});
