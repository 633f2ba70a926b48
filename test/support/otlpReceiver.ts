import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';

/**
 * An OTLP/HTTP trace receiver on loopback, standing in for a collector: takes `POST /v1/traces`
 * as JSON or protobuf and keeps each span's ids, name and the encoding it came in.
 */

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  encoding: 'json' | 'protobuf';
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  url: string;
  spans: ReceivedSpan[];
  posts: number;
  close(): Promise<void>;
}

const JsonSpanSchema = z.object({ traceId: z.string(), spanId: z.string(), parentSpanId: z.string().optional(), name: z.string() });
const JsonExportSchema = z.object({
  resourceSpans: z.array(z.object({ scopeSpans: z.array(z.object({ spans: z.array(JsonSpanSchema).default([]) })).default([]) })).default([]),
});

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let posts = 0;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      const body = await readBody(req);
      posts += 1;
      if (String(req.headers['content-type']).includes('json')) {
        const parsed = JsonExportSchema.parse(JSON.parse(body.toString('utf8')));
        for (const resource of parsed.resourceSpans)
          for (const scope of resource.scopeSpans)
            for (const span of scope.spans) spans.push({ ...span, parentSpanId: span.parentSpanId ?? '', encoding: 'json' });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        spans.push(...protobufSpans(body));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    })().catch(() => res.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get posts() {
      return posts;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * ExportTraceServiceRequest → resource_spans (1) → scope_spans (2) → spans (2), and in each span
 * trace_id (1), span_id (2), parent_span_id (4) and name (5). Only what a test asserts on is read.
 */
function protobufSpans(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resource of fields(body).filter((f) => f.no === 1))
    for (const scope of fields(resource.bytes).filter((f) => f.no === 2))
      for (const span of fields(scope.bytes).filter((f) => f.no === 2)) {
        const of = (no: number) => fields(span.bytes).find((f) => f.no === no)?.bytes ?? Buffer.alloc(0);
        spans.push({ traceId: of(1).toString('hex'), spanId: of(2).toString('hex'), parentSpanId: of(4).toString('hex'), name: of(5).toString('utf8'), encoding: 'protobuf' });
      }
  return spans;
}

/** The length-delimited fields of one protobuf message (varint and fixed fields are skipped). */
function fields(message: Buffer): Array<{ no: number; bytes: Buffer }> {
  const found: Array<{ no: number; bytes: Buffer }> = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = message[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < message.length) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        varint();
        break;
      case 1:
        at += 8;
        break;
      case 5:
        at += 4;
        break;
      case 2: {
        const length = varint();
        found.push({ no, bytes: message.subarray(at, at + length) });
        at += length;
        break;
      }
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
  }
  return found;
}
