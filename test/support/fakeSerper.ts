import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One search as Serper received it. */
export interface RecordedSearch {
  apiKey: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

type Reply = { kind: 'json'; body: unknown } | { kind: 'status'; status: number; body: string } | { kind: 'hang' };

/** A stand-in for https://google.serper.dev/search on loopback: records searches, answers as scripted. */
export interface FakeSerper {
  /** The search endpoint, to pass as serperApiUrl. */
  url: string;
  searches: RecordedSearch[];
  /** Answer every following search with this JSON body (HTTP 200). */
  respondWith(body: unknown): void;
  /** Answer every following search with this status and body. */
  failWith(status: number, body?: string): void;
  /** Never answer the following searches. */
  hang(): void;
  close(): Promise<void>;
}

export async function startFakeSerper(): Promise<FakeSerper> {
  let reply: Reply = { kind: 'json', body: { organic: [] } };
  const searches: RecordedSearch[] = [];
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    searches.push({
      apiKey: header(request.headers['x-api-key']),
      contentType: header(request.headers['content-type']),
      body: parseJson(text),
    });
    if (request.method !== 'POST' || request.url !== '/search') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not found"}');
      return;
    }
    switch (reply.kind) {
      case 'json':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
        return;
      case 'status':
        response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
        return;
      case 'hang':
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/search`,
    searches,
    respondWith(body) {
      reply = { kind: 'json', body };
    },
    failWith(status, body = '') {
      reply = { kind: 'status', status, body };
    },
    hang() {
      reply = { kind: 'hang' };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
