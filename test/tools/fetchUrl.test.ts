import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFetchUrlTool, type FetchUrlOptions } from '../../src/tools/fetchUrl.ts';
import { neverAnswer, page, redirect, stallAfterHeaders, startLocalWeb, type LocalWeb } from '../support/localWeb.ts';

const context = { runId: 'run-1', taskId: 'research', agentRole: 'Researcher' };

const ARTICLE = `<!doctype html>
<html>
  <head><title>Crews</title><style>body { color: red; }</style><script>window.secret = "tracking";</script></head>
  <body>
    <nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
    <h1>How crews work</h1>
    <p>A crew runs <b>tasks</b> in order. See <a href="/about">the about page</a>.</p>
    <table><tr><th>Role</th><th>Goal</th></tr><tr><td>Researcher</td><td>Find facts</td></tr></table>
    <script>document.write("injected")</script>
  </body>
</html>`;

const bigText = 'x'.repeat(10_000);

describe('fetch_url reading pages (private addresses allowed for the local test server)', () => {
  let web: LocalWeb;
  beforeAll(async () => {
    web = await startLocalWeb({
      '/article': page('text/html; charset=utf-8', ARTICLE),
      '/notes.txt': page('text/plain', '  line one\nline two  \n'),
      '/data.json': page('application/json', '{"ok":true}'),
      '/latin1': page('text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9])),
      '/gzipped': page('text/plain', gzipSync('compressed words'), { 'content-encoding': 'gzip' }),
      '/big': page('text/plain', bigText),
      '/big-gzipped': page('text/plain', gzipSync(bigText), { 'content-encoding': 'gzip' }),
      '/logo.png': page('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])),
      '/untyped-binary': page(undefined, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3])),
      '/untyped-html': page(undefined, '<html><body><p>Sniffed</p><script>nope()</script></body></html>'),
      '/empty': page('text/html', '<html><body><script>only()</script></body></html>'),
      '/slow': neverAnswer(),
      '/stall': stallAfterHeaders('text/plain', 'partial'),
      '/hop1': redirect('/hop2', 301),
      '/hop2': redirect('hop3', 307),
      '/hop3': redirect('/notes.txt', 303),
      '/loop': redirect('/loop'),
      '/to-ftp': redirect('ftp://example.com/file'),
    });
  });
  afterAll(async () => {
    await web.close();
  });
  beforeEach(() => {
    web.requests.length = 0;
  });

  const fetchUrl = (url: string, options: FetchUrlOptions = {}) =>
    createFetchUrlTool({ allowPrivate: true, ...options }).invoke(JSON.stringify({ url }), context);

  it('turns HTML into readable text without scripts, styles or navigation, and says where it came from', async () => {
    const text = await fetchUrl(web.url('/article'));

    expect(text.startsWith(`Content of ${web.url('/article')}:\n`)).toBe(true);
    expect(text).toContain('How crews work');
    expect(text).toContain(`A crew runs tasks in order. See the about page [${web.url('/about')}].`);
    expect(text).toContain('Role | Goal\nResearcher | Find facts');
    expect(text).not.toMatch(/tracking|injected|color: red|Blog/);
  });

  it('returns text/plain and JSON as they are', async () => {
    await expect(fetchUrl(web.url('/notes.txt'))).resolves.toBe(`Content of ${web.url('/notes.txt')}:\n\nline one\nline two`);
    await expect(fetchUrl(web.url('/data.json'))).resolves.toContain('{"ok":true}');
  });

  it('decodes the charset the server names and gzip content encoding', async () => {
    await expect(fetchUrl(web.url('/latin1'))).resolves.toContain('café');
    await expect(fetchUrl(web.url('/gzipped'))).resolves.toContain('compressed words');
  });

  it('sniffs a page served without a content type', async () => {
    const text = await fetchUrl(web.url('/untyped-html'));
    expect(text).toContain('Sniffed');
    expect(text).not.toContain('nope');
  });

  it('says when a page has no readable text', async () => {
    await expect(fetchUrl(web.url('/empty'))).resolves.toContain('(the page has no readable text)');
  });

  it('stops reading at the size cap and says the page was truncated', async () => {
    for (const path of ['/big', '/big-gzipped']) {
      const text = await fetchUrl(web.url(path), { maxBytes: 1_000 });
      expect(text).toContain('x'.repeat(1_000));
      expect(text).not.toContain('x'.repeat(1_001));
      expect(text).toContain('[truncated] Only the first 1000 bytes of the page were read.');
    }
  });

  it('caps the text handed to the model with a visible marker', async () => {
    const text = await fetchUrl(web.url('/big'), { maxChars: 300 });

    expect(text).toContain('x'.repeat(300));
    expect(text).not.toContain('x'.repeat(301));
    expect(text.endsWith('[truncated at 300 characters]')).toBe(true);
  });

  it('refuses binary content by its content type', async () => {
    await expect(fetchUrl(web.url('/logo.png'))).rejects.toThrow(
      `${web.url('/logo.png')} is image/png content, which fetch_url cannot read`,
    );
  });

  it('refuses binary content served without a content type', async () => {
    await expect(fetchUrl(web.url('/untyped-binary'))).rejects.toThrow(/looks like binary content/);
  });

  it('gives up on a server that never answers after its timeout', async () => {
    await expect(fetchUrl(web.url('/slow'), { timeoutMs: 150 })).rejects.toThrow(
      `Fetching ${web.url('/slow')} timed out after 150 ms.`,
    );
    expect(web.requests).toEqual(['/slow']);
  });

  it('gives up on a body that stalls after its timeout', async () => {
    await expect(fetchUrl(web.url('/stall'), { timeoutMs: 150 })).rejects.toThrow(/timed out after 150 ms/);
  });

  it('follows a chain of redirects (relative locations, 301/307/303) and names both URLs', async () => {
    const text = await fetchUrl(web.url('/hop1'));

    expect(web.requests).toEqual(['/hop1', '/hop2', '/hop3', '/notes.txt']);
    expect(text).toBe(`Content of ${web.url('/notes.txt')} (redirected from ${web.url('/hop1')}):\n\nline one\nline two`);
  });

  it('stops after 5 redirects', async () => {
    await expect(fetchUrl(web.url('/loop'))).rejects.toThrow(/redirected more than 5 times/);
    expect(web.requests).toHaveLength(6);
  });

  it('refuses a redirect to a scheme other than http or https', async () => {
    await expect(fetchUrl(web.url('/to-ftp'))).rejects.toThrow(
      'Refusing to fetch ftp://example.com/file: only http and https URLs can be fetched.',
    );
  });

  it('reports an HTTP error status', async () => {
    await expect(fetchUrl(web.url('/missing'))).rejects.toThrow(`${web.url('/missing')} answered HTTP 404 Not Found.`);
  });

  it('refuses arguments that are not a URL before fetching', async () => {
    await expect(fetchUrl('not a url')).rejects.toThrow(/Invalid arguments for fetch_url/);
    expect(web.requests).toEqual([]);
  });
});
