import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** The MCP project's reference "everything" server, installed from the npm registry. */
export const EVERYTHING_SERVER = path.resolve('node_modules/@modelcontextprotocol/server-everything/dist/index.js');

/**
 * crew.yaml settings that start the everything server over stdio through a shell that records its
 * pid and every JSON-RPC message the client sends, so a test can kill it or count its calls.
 */
export function everythingOverStdio(workDir: string, name: string): { entry: Record<string, unknown>; pidFile: string; logFile: string } {
  const pidFile = path.join(workDir, `${name}.pid`);
  const logFile = path.join(workDir, `${name}.log`);
  const fifo = path.join(workDir, `${name}.fifo`);
  // tee copies the client's messages to the log on their way to the server through a FIFO; the
  // shell lives exactly as long as the server, so a killed server closes the connection.
  const script = [
    `rm -f '${fifo}'; mkfifo '${fifo}'; exec 3<&0`,
    `'${process.execPath}' '${EVERYTHING_SERVER}' stdio < '${fifo}' & server=$!`,
    `echo $server > '${pidFile}'`,
    `tee -a '${logFile}' <&3 > '${fifo}' & tee=$!`,
    `wait $server; kill $tee 2>/dev/null`,
  ].join('\n');
  return { entry: { command: 'sh', args: ['-c', script] }, pidFile, logFile };
}

/** The `tools/call` requests the client sent a server started by everythingOverStdio. */
export async function toolCallsIn(logFile: string): Promise<Array<{ name: string; arguments: unknown }>> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.includes('"tools/call"'))
    .map((line) => (JSON.parse(line) as { params: { name: string; arguments: unknown } }).params);
}

export interface HttpMcpServer {
  url: string;
  close(): Promise<void>;
}

/** The everything server over streamable HTTP, on a free loopback port. */
export async function startEverythingOverHttp(): Promise<HttpMcpServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [EVERYTHING_SERVER, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('listening on port')) resolve();
    });
    child.once('exit', () => reject(new Error(`the everything server exited before listening:\n${seen}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
