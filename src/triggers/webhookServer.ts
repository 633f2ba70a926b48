import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_PATH_PREFIX } from './webhookEndpoint.ts';

/** crewbot's own HTTP server for webhooks, when Slack's HTTP mode is not already listening on PORT. */
export async function startWebhookServer(port: number, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if ((req.url ?? '').startsWith(WEBHOOK_PATH_PREFIX)) return handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `Webhooks are received at POST ${WEBHOOK_PATH_PREFIX}<crew>.` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
