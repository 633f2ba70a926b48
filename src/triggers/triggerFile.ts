import { Cron } from 'croner';
import { z } from 'zod';

/** Statuses a finished run can end in, which an `after:` trigger can wait for. */
export const AFTER_STATUSES = ['completed', 'failed', 'cancelled'] as const;

/** `$.issue.title`, `$.items[0].name`: where in the event an input's value is. */
export const INPUT_PATH = /^\$(\.[A-Za-z0-9_-]+|\[\d+\])*$/;

const InputValueSchema = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .refine((value) => !value.startsWith('$') || INPUT_PATH.test(value), 'is not a path into the event: write $.field.subfield (or $.list[0])');

const CommonSchema = {
  /** Input values: text as it is, or `$.path` into the event (webhook body, the earlier run). */
  inputs: z.record(z.string(), InputValueSchema).default({}),
  /** `slack:<channel id>` or `discord:<channel id>`: the run gets a thread there. */
  post_to: z
    .string()
    .regex(/^(slack|discord):[A-Za-z0-9]+$/, 'write slack:<channel id> (e.g. slack:C0123456789) or discord:<channel id>')
    .optional(),
  /** false keeps the trigger defined (and `crewbot trigger` can fire it) without it firing by itself. */
  enabled: z.boolean().default(true),
};

const CronSchema = z.string().superRefine((pattern, ctx) => {
  const fields = pattern.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    ctx.addIssue({ code: 'custom', message: `is not a cron schedule: write 5 fields (minute hour day month weekday) or 6 with seconds first, got ${fields}` });
    return;
  }
  try {
    new Cron(pattern, { paused: true });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `is not a valid cron schedule: ${error instanceof Error ? error.message : String(error)}` });
  }
});

const TimezoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'is not a time zone: write an IANA name such as Europe/Berlin or America/New_York');

export const ScheduleTriggerSchema = z.strictObject({
  schedule: CronSchema,
  timezone: TimezoneSchema.optional(),
  /** A tick missed while nothing was running fires once at the next start (the latest one only). */
  catch_up: z.boolean().default(false),
  ...CommonSchema,
});

export const WebhookTriggerSchema = z.strictObject({
  webhook: z.strictObject({
    /** Name of the environment variable holding the HMAC secret (never the secret itself). */
    secret_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is the name of an environment variable, e.g. GITHUB_WEBHOOK_SECRET'),
  }),
  ...CommonSchema,
});

export const AfterTriggerSchema = z.strictObject({
  after: z.strictObject({
    crew: z.string().min(1),
    status: z.enum(AFTER_STATUSES).default('completed'),
  }),
  ...CommonSchema,
});

export type ScheduleTrigger = z.output<typeof ScheduleTriggerSchema>;
export type WebhookTrigger = z.output<typeof WebhookTriggerSchema>;
export type AfterTrigger = z.output<typeof AfterTriggerSchema>;
export type TriggerEntry = ScheduleTrigger | WebhookTrigger | AfterTrigger;
export type TriggerKind = 'schedule' | 'webhook' | 'after';

const KINDS = { schedule: ScheduleTriggerSchema, webhook: WebhookTriggerSchema, after: AfterTriggerSchema } as const;

/** One entry of crew.yaml `triggers:`: exactly one kind key, its settings beside it. */
export const TriggerSchema = z.record(z.string(), z.unknown()).transform((raw, ctx): TriggerEntry => {
  const kinds = (Object.keys(KINDS) as TriggerKind[]).filter((kind) => kind in raw);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message: kinds.length === 0 ? 'needs one of schedule, webhook or after' : `has ${kinds.join(' and ')}; give each its own entry in triggers`,
    });
    return z.NEVER;
  }
  const parsed = KINDS[kinds[0]!].safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: issue.path } as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});

export function triggerKind(trigger: TriggerEntry): TriggerKind {
  if ('schedule' in trigger) return 'schedule';
  if ('webhook' in trigger) return 'webhook';
  return 'after';
}

/** One line naming a trigger, for thread roots, `crewbot triggers` and requesters. */
export function describeTrigger(trigger: TriggerEntry): string {
  if ('schedule' in trigger) return `schedule "${trigger.schedule}"${trigger.timezone ? ` (${trigger.timezone})` : ''}`;
  if ('webhook' in trigger) return 'webhook';
  return `after ${trigger.after.crew} ${trigger.after.status}`;
}
