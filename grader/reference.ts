// Calibrated references: runs of solutions/ over several seeds, committed as
// JSON beside each lesson's checks and validated on load.
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';

export const ReferenceRunSchema = z.object({
  seed: z.number().int(),
  /** Training loss after every optimisation step. */
  losses: z.array(z.number()),
  /** Named end-of-run figures, e.g. accuracy. */
  metrics: z.record(z.string(), z.number()),
  /**
   * The catalogued alternate planted in the solution for this run (calibrate
   * --alternates); absent for the solution itself. Pass marks are computed
   * over every run, so they cover the spread of all the correct programs.
   */
  alternate: z.string().optional(),
});
export type ReferenceRun = z.infer<typeof ReferenceRunSchema>;

export const ReferenceSchema = z.object({
  lesson: z.string(),
  backend: z.string(),
  runs: z.array(ReferenceRunSchema).min(2),
  /**
   * The runs of a lesson's other parts, calibrated apart and kept in their own
   * files (reference-<part>.json), so that recalibrating one part leaves the
   * others' references as they were. Filled in by registry.loadReference.
   */
  parts: z.record(z.string(), z.array(ReferenceRunSchema).min(2)).optional(),
});
export type Reference = z.infer<typeof ReferenceSchema>;

/** One part's calibration runs as a reference of their own, for the checks of that part. */
export function partReference(reference: Reference | undefined, part: string): Reference | undefined {
  const runs = reference?.parts?.[part];
  return runs && reference ? { lesson: `${reference.lesson} (${part})`, backend: reference.backend, runs } : undefined;
}

export function readReference(file: string): Reference | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = ReferenceSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file} is not a valid reference: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Min, median and max over the reference runs of one metric. */
export function metricSpread(reference: Reference, metric: string) {
  const values = reference.runs.map((run) => {
    const value = run.metrics[metric];
    if (value === undefined) throw new Error(`reference for ${reference.lesson} has no metric ${metric}`);
    return value;
  });
  values.sort((a, b) => a - b);
  return { min: values[0]!, median: values[Math.floor(values.length / 2)]!, max: values.at(-1)!, values };
}

/**
 * The lesson's calibrated reference, or that of its part `part`
 * (reference-<part>.json): a clear error, not a failed check, where
 * `npm run calibrate` has not run, saying which command makes it.
 */
export function requireReference(context: { readonly reference: Reference | undefined; readonly lessonDir: string }, part?: string): Reference {
  const reference = part ? partReference(context.reference, part) : context.reference;
  if (reference) return reference;
  if (!part) throw new Error('no calibrated reference for this lesson: run `npm run calibrate`');
  const lesson = basename(context.lessonDir);
  throw new Error(`no calibrated reference for part ${part} of ${lesson}: run \`npm run calibrate -- --lesson ${lesson} --part ${part}\``);
}
