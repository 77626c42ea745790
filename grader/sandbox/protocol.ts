// Messages between the grader and the sandbox process that runs student code.
// Everything the sandbox sends is checked against these schemas before the
// grader believes it: student code shares that process and may send anything.
import { z } from 'zod';
import { CauseSchema } from '../faults.ts';
import { CheckStatus, CurveSchema } from '../results.ts';
import { ReferenceSchema } from '../reference.ts';

export interface SandboxOptions {
  lessonId: string;
  lessonDir: string;
  seed: number;
}

/** The grader's first message: everything the sandbox needs, before any student code exists. */
export const StartSchema = z.object({
  kind: z.literal('start'),
  /** The per-run key the sandbox signs its messages with (hex). */
  key: z.string(),
  lessonId: z.string(),
  lessonDir: z.string(),
  seed: z.number().int(),
  /** Read by the grader: the sandbox may not read grader/lessons/<id>/reference.json itself. */
  reference: ReferenceSchema.optional(),
});
export type Start = z.infer<typeof StartSchema>;

/**
 * The grader's answer to a `compute` request, signed with the run's key:
 * student code could emit a 'message' event of its own. `body` is
 * `{ id, value }` or `{ id, error }` in json-numbers.ts's JSON.
 */
export interface Computed {
  kind: 'computed';
  body: string;
  mac: string;
}

export type ToSandbox = Start | { kind: 'run'; checkId: string } | Computed;

const phase = z.string().max(500);
const text = z.string().max(20_000);

export const FromSandboxSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), backend: z.string().max(100) }),
  /** A named phase began: `load:<file>` or `fixture:<name>`; the grader blames it for a hang. */
  z.object({ kind: z.literal('phase'), phase }),
  z.object({ kind: z.literal('phase-done'), phase }),
  z.object({ kind: z.literal('phase-failed'), phase, message: text }),
  /**
   * A check asks the grader to run one of the lesson's grader-side functions
   * (reference-math.ts, which the sandbox cannot read); `args` is JSON from json-numbers.ts.
   */
  z.object({ kind: z.literal('compute'), id: z.number().int(), name: z.string().max(100), args: z.string() }),
  /** A promise of student code rejected and nobody handled it. */
  z.object({ kind: z.literal('unhandled'), message: text }),
  z.object({
    kind: z.literal('result'),
    checkId: z.string(),
    status: CheckStatus,
    message: text,
    figures: z.record(z.string(), z.number().nullable()),
    causes: z.array(CauseSchema),
    curve: CurveSchema.optional(),
  }),
]);
export type FromSandbox = z.infer<typeof FromSandboxSchema>;

/** What travels from the sandbox: the message as JSON text and its MAC. */
export const EnvelopeSchema = z.object({ body: z.string().max(4_000_000), mac: z.string().regex(/^[0-9a-f]{64}$/) });
export type Envelope = z.infer<typeof EnvelopeSchema>;
