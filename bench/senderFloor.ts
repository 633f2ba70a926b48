import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { percentiles, Remote, type Percentiles } from './slackAck.ts';

/**
 * The floor under the Slack burst benches: the same sender thread firing the same 200 signed
 * `/crew` commands at a trivial Node HTTP server that answers each at once, with nothing else
 * running. What `slackAck.ts` and `fleetAck.ts` measure above this is the app's.
 *
 *   node bin/run-ts.js bench/senderFloor.ts
 */
export async function senderFloor(commands = 200): Promise<{ fresh: Percentiles; open: Percentiles }> {
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => response.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  const sender = new Remote('sender');
  try {
    await sender.ready;
    await sender.fire(url, 1, 'help');
    const burst = async () => percentiles((await sender.fire(url, commands, 'briefing Rust-{i} audience=devs')).map((delivery) => delivery.ms));
    // As in the app benches: a burst on fresh connections, then one on the connections it left open.
    const fresh = await burst();
    return { fresh, open: await burst() };
  } finally {
    await sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { fresh, open } = await senderFloor();
  const line = (label: string, p: Percentiles) => console.log(`  ${label}: p50 ${p.p50.toFixed(0)} ms, p99 ${p.p99.toFixed(0)} ms, max ${p.max.toFixed(0)} ms`);
  console.log('the sender alone: 200 signed /crew at once at a server that answers at once');
  line('fresh connections', fresh);
  line('connections open', open);
}
