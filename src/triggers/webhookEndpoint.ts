import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedCrew } from '../crews/loadCrew.ts';
import { MissingInputError, errorMessage } from '../engine/errors.ts';
import { InputTooLargeError } from '../runs/inputLimits.ts';
import { pathOf } from './eventPaths.ts';
import type { FiredRun, TriggerFiring } from './fireTrigger.ts';
import type { WebhookTrigger } from './triggerFile.ts';

/** Where webhooks are received: POST /hooks/<crew>. */
export const WEBHOOK_PATH_PREFIX = '/hooks/';
const CREW_NAME = /^[A-Za-z0-9_-]+$/;

export interface WebhookEndpointOptions {
  /** The crew a webhook names, or undefined when there is none (or it does not load). */
  findCrew(name: string): Promise<LoadedCrew | undefined>;
  fire(firing: TriggerFiring): Promise<FiredRun>;
  /** Bodies larger than this get 413 (CREWBOT_WEBHOOK_MAX_BYTES). */
  maxBytes: number;
  /** Where `secret_env` names are looked up; process.env by default. */
  env?: Record<string, string | undefined> | undefined;
  onError?: ((error: unknown) => void) | undefined;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/**
 * POST /hooks/<crew>: a signed JSON body starts the crew's webhook trigger. The signature is
 * GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant
 * time; a repeated `X-GitHub-Delivery` or `Idempotency-Key` answers with the first run's id.
 * Bodies are untrusted: only the trigger's `$.paths` are read from them.
 */
export function webhookHandler(options: WebhookEndpointOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, options)
      .catch((error: unknown): Reply => {
        options.onError?.(error);
        return { status: 500, body: { error: 'The run could not be started; see the server log.' } };
      })
      .then(({ status, body }) => {
        if (res.headersSent) return;
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
  };
}

async function handle(req: IncomingMessage, options: WebhookEndpointOptions): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const name = decodeURIComponent(url.pathname.slice(WEBHOOK_PATH_PREFIX.length)).replace(/\/$/, '');
  if (req.method !== 'POST') return { status: 405, body: { error: 'Send webhooks with POST.' } };
  const crew = CREW_NAME.test(name) ? await options.findCrew(name) : undefined;
  const hooks = (crew?.triggers ?? []).flatMap((trigger, index) => ('webhook' in trigger && trigger.enabled ? [{ trigger, index }] : []));
  if (!crew || hooks.length === 0) return { status: 404, body: { error: `No crew "${name}" with a webhook trigger.` } };

  const body = await readBody(req, options.maxBytes);
  if (body === 'too_large') return { status: 413, body: { error: `The body is larger than ${options.maxBytes} bytes (CREWBOT_WEBHOOK_MAX_BYTES).` } };

  const env = options.env ?? process.env;
  const signature = header(req, 'x-hub-signature-256');
  const unset = hooks.filter(({ trigger }) => !env[trigger.webhook.secret_env]);
  const hook = hooks.find(({ trigger }) => {
    const secret = env[trigger.webhook.secret_env];
    return secret !== undefined && secret !== '' && signatureMatches(body, secret, signature);
  });
  if (!hook) {
    if (unset.length === hooks.length) {
      return { status: 503, body: { error: `Set ${unset.map(({ trigger }) => trigger.webhook.secret_env).join(' or ')} on the server to receive this crew's webhooks.` } };
    }
    return { status: 401, body: { error: 'Missing or wrong X-Hub-Signature-256: sign the raw body with HMAC-SHA256 and the shared secret (sha256=<hex>).' } };
  }

  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'The body is not JSON.' } };
  }
  const delivery = header(req, 'x-github-delivery') ?? header(req, 'idempotency-key');
  try {
    const fired = await options.fire({ crew, index: hook.index, event, key: delivery ? `webhook:${delivery}` : undefined });
    return { status: 202, body: { runId: fired.runId, ...(fired.started ? {} : { duplicate: true }) } };
  } catch (error) {
    if (error instanceof MissingInputError) return { status: 422, body: { error: missingInputs(error, hook.trigger) } };
    // An input over its size limit is the sender's to fix; nothing was started.
    if (error instanceof InputTooLargeError) return { status: 422, body: { error: errorMessage(error) } };
    throw error;
  }
}

function missingInputs(error: MissingInputError, trigger: WebhookTrigger): string {
  const named = error.missing.map((placeholder) => {
    const input = placeholder.replace(/[{}]/g, '');
    const path = pathOf(trigger.inputs, input);
    return path ? `${input} (from ${path}, which the body does not have)` : input;
  });
  return `Missing input${named.length > 1 ? 's' : ''}: ${named.join(', ')}.`;
}

function signatureMatches(body: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The raw body; past the limit the rest is drained unread (the socket stays usable for the 413). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
