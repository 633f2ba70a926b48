import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A few web pages on loopback, standing in for the sites fetch_url reads. */
export interface LocalWeb {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startLocalWeb(routes: Record<string, RouteHandler>): Promise<LocalWeb> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const route = routes[path];
    if (route) return route(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: (path) => `${origin}${path}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers 200 with this content type and body. */
export function page(contentType: string | undefined, body: string | Buffer, headers: Record<string, string> = {}): RouteHandler {
  return (_request, response) => {
    response.writeHead(200, { ...(contentType ? { 'content-type': contentType } : {}), ...headers }).end(body);
  };
}

/** Answers with a redirect to `location` (relative or absolute). */
export function redirect(location: string, status = 302): RouteHandler {
  return (_request, response) => {
    response.writeHead(status, { location }).end();
  };
}

/** Accepts the request and never answers. */
export function neverAnswer(): RouteHandler {
  return () => {};
}

/** Sends headers and the start of the body, then stalls. */
export function stallAfterHeaders(contentType: string, start: string): RouteHandler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': contentType });
    response.write(start);
  };
}
