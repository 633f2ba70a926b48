import { UsageSchema } from '../engine/output.ts';
import { z } from 'zod';
import { TraceCarrierSchema } from '../telemetry/traceCarrier.ts';

export const PlatformSchema = z.enum(['console', 'cli', 'slack', 'discord']);
export type Platform = z.infer<typeof PlatformSchema>;

export const RunStatusSchema = z.enum(['queued', 'running', 'awaiting_input', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Statuses a run never leaves; reaching one stamps `finishedAt`. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Where a run talks to people. The id carries its platform, e.g. `slack:C123:1700000000.0001`. */
export const ThreadRefSchema = z.object({ platform: PlatformSchema, id: z.string().min(1) });
export type ThreadRef = z.infer<typeof ThreadRefSchema>;

export const RequesterSchema = z.object({
  platform: PlatformSchema,
  userId: z.string().min(1),
  name: z.string().optional(),
});
export type Requester = z.infer<typeof RequesterSchema>;

export const RunUsageSchema = UsageSchema;
export type RunUsage = z.infer<typeof RunUsageSchema>;

/** A question the run is waiting on. Its shape belongs to the engine; the store only needs its id. */
export const PendingRequestSchema = z.looseObject({ id: z.string().min(1) });
export type PendingRequest = z.infer<typeof PendingRequestSchema>;

export const RunRecordSchema = z.object({
  id: z.string().min(1),
  crew: z.string().min(1),
  /** Directory the crew was loaded from when it was given by path rather than by name. */
  crewDir: z.string().optional(),
  inputs: z.record(z.string(), z.string()),
  requester: RequesterSchema,
  thread: ThreadRefSchema.optional(),
  status: RunStatusSchema,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  finishedAt: z.number().int().optional(),
  error: z.string().optional(),
  usage: RunUsageSchema,
  pending: z.array(PendingRequestSchema),
  /** The completed run this one follows up (a reply in its thread, `--follow-up`). */
  followUpOf: z.string().optional(),
  /** W3C trace context of the kickoff: every pass over the run, wherever it runs, joins this trace. */
  trace: TraceCarrierSchema.optional(),
  /** Bumped by every update, so a reader can tell whether the record changed under it. */
  version: z.number().int().nonnegative(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** What a caller supplies to create a run; the store fills in the rest. */
export const NewRunSchema = RunRecordSchema.omit({
  id: true,
  createdAt: true,
  updatedAt: true,
  finishedAt: true,
  version: true,
  status: true,
  usage: true,
  pending: true,
}).extend({
  id: z.string().min(1).optional(),
  status: RunStatusSchema.default('queued'),
  usage: RunUsageSchema.default({ llmCalls: 0, promptTokens: 0, completionTokens: 0 }),
  pending: z.array(PendingRequestSchema).default([]),
});
export type NewRun = z.input<typeof NewRunSchema>;

/** Fields an update may change. `undefined` clears an optional field. */
export type RunPatch = Partial<Omit<RunRecord, 'id' | 'createdAt' | 'updatedAt' | 'version'>>;
