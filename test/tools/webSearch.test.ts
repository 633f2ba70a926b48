import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebSearchTool } from '../../src/tools/webSearch.ts';
import { startFakeSerper, type FakeSerper } from '../support/fakeSerper.ts';

const context = { runId: 'run-1', taskId: 'research', agentRole: 'Researcher' };
const API_KEY = 'serper-test-key-7c1f';

const organic = Array.from({ length: 8 }, (_, index) => ({
  title: `Result ${index + 1}`,
  link: `https://example.com/${index + 1}`,
  snippet: `Snippet ${index + 1}`,
  position: index + 1,
}));

describe('web_search on Serper', () => {
  let serper: FakeSerper;
  beforeAll(async () => {
    serper = await startFakeSerper();
  });
  afterAll(async () => {
    await serper.close();
  });
  beforeEach(() => {
    serper.searches.length = 0;
    serper.respondWith({ organic });
  });

  const tool = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
    createWebSearchTool({ apiKey: API_KEY, apiUrl: serper.url, ...options });

  it('posts the query with the API key and lists the top 5 results as numbered lines', async () => {
    const text = await tool().invoke(JSON.stringify({ query: 'crewai hierarchical process' }), context);

    expect(serper.searches).toEqual([
      { apiKey: API_KEY, contentType: 'application/json', body: { q: 'crewai hierarchical process', num: 5 } },
    ]);
    expect(text).toBe(
      [
        'Search results for "crewai hierarchical process":',
        '',
        '1. Result 1 — https://example.com/1\n   Snippet 1',
        '2. Result 2 — https://example.com/2\n   Snippet 2',
        '3. Result 3 — https://example.com/3\n   Snippet 3',
        '4. Result 4 — https://example.com/4\n   Snippet 4',
        '5. Result 5 — https://example.com/5\n   Snippet 5',
      ].join('\n'),
    );
  });

  it('asks for and shows num_results results', async () => {
    const text = await tool().invoke(JSON.stringify({ query: 'q', num_results: 2 }), context);

    expect(serper.searches[0]?.body).toEqual({ q: 'q', num: 2 });
    expect(text).toContain('2. Result 2');
    expect(text).not.toContain('3. Result 3');
  });

  it('puts the answer box first, then the knowledge graph, and omits a missing snippet', async () => {
    serper.respondWith({
      answerBox: { answer: '42', link: 'https://answers.example/42' },
      knowledgeGraph: { title: 'Deep Thought', type: 'Computer', description: 'A fictional computer.' },
      organic: [{ title: 'Only title', link: 'https://example.com/only' }],
      searchParameters: { q: 'meaning of life' },
    });

    const text = await tool().invoke(JSON.stringify({ query: 'meaning of life' }), context);

    expect(text).toBe(
      [
        'Search results for "meaning of life":',
        '',
        'Answer: 42 — https://answers.example/42',
        '',
        'Deep Thought (Computer): A fictional computer.',
        '',
        '1. Only title — https://example.com/only',
      ].join('\n'),
    );
  });

  it('says so when there are no results', async () => {
    serper.respondWith({ organic: [] });

    await expect(tool().invoke(JSON.stringify({ query: 'zxqv' }), context)).resolves.toBe('No results for "zxqv".');
  });

  it('without SERPER_API_KEY fails with a message that says how to fix it, and sends nothing', async () => {
    const unconfigured = createWebSearchTool({ apiUrl: serper.url });

    await expect(unconfigured.invoke(JSON.stringify({ query: 'q' }), context)).rejects.toThrow(
      'web_search needs SERPER_API_KEY; set it in .env',
    );
    expect(serper.searches).toEqual([]);
  });

  it('reports a failed search with its HTTP status and never the key', async () => {
    serper.failWith(500, `{"message":"internal error for key ${API_KEY}"}`);

    const error = await tool()
      .invoke(JSON.stringify({ query: 'q' }), context)
      .catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('HTTP 500');
    expect(message).not.toContain(API_KEY);
  });

  it('points at the key when Serper refuses it', async () => {
    serper.failWith(403, '{"message":"Unauthorized.","statusCode":403}');

    await expect(tool().invoke(JSON.stringify({ query: 'q' }), context)).rejects.toThrow(/HTTP 403.*Check SERPER_API_KEY/);
  });

  it('rejects an answer that is not Serper-shaped', async () => {
    serper.respondWith({ organic: [{ title: 7 }] });

    await expect(tool().invoke(JSON.stringify({ query: 'q' }), context)).rejects.toThrow(/does not understand/);
  });

  it('gives up after its timeout', async () => {
    serper.hang();

    await expect(tool({ timeoutMs: 100 }).invoke(JSON.stringify({ query: 'q' }), context)).rejects.toThrow(
      'web_search timed out after 100 ms',
    );
    expect(serper.searches).toHaveLength(1);
  });

  it('refuses an empty query or too many results before searching', async () => {
    await expect(tool().invoke(JSON.stringify({ query: '' }), context)).rejects.toThrow(/Invalid arguments for web_search/);
    await expect(tool().invoke(JSON.stringify({ query: 'q', num_results: 11 }), context)).rejects.toThrow(/num_results/);
    expect(serper.searches).toEqual([]);
  });
});
