// The results document: what one grading run found. Every reporter (terminal,
// JSON, Classroom 50, Gradescope, markdown, HTML) reads this and only this.
import { z } from 'zod';
import { CauseSchema, FaultCategory } from './faults.ts';
import { GraderInfoSchema, SourceSchema } from './provenance.ts';

export const CheckStatus = z.enum(['pass', 'fail', 'error']);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** A loss curve summarised as bucket means over the fraction of training done. */
export const CurveSchema = z.object({
  student: z.array(z.number().nullable()),
  referenceLow: z.array(z.number()),
  referenceMedian: z.array(z.number()),
  referenceHigh: z.array(z.number()),
});
export type Curve = z.infer<typeof CurveSchema>;

export const CheckResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: CheckStatus,
  points: z.number().nonnegative(),
  maxPoints: z.number().nonnegative(),
  message: z.string(),
  /** What the check measured, by name, for diagnostics and class comparisons. */
  figures: z.record(z.string(), z.number().nullable()).default({}),
  /** Likely causes of a failure, for the diagnosis (empty when the check passed). */
  causes: z.array(CauseSchema).default([]),
  /** The checks of the parts this check's subject is built from (see Check.buildsOn). */
  buildsOn: z.array(z.string()).default([]),
  durationMs: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

/** One of the most likely causes of a lesson's failures, with what was seen that points at it. */
export const DiagnosedCauseSchema = z.object({
  category: FaultCategory,
  score: z.number(),
  evidence: z.array(z.string()),
});
export type DiagnosedCause = z.infer<typeof DiagnosedCauseSchema>;

/** A type error tsc found in a student's file: shown beside the grade, no points taken. */
export const TypeErrorSchema = z.object({
  /** Relative to the lesson folder. */
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  message: z.string(),
});
export type TypeError = z.infer<typeof TypeErrorSchema>;

export const LessonResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  points: z.number().nonnegative(),
  maxPoints: z.number().nonnegative(),
  checks: z.array(CheckResultSchema),
  curve: CurveSchema.optional(),
  /** The top causes of the failures, most likely first (absent when every check passes, and in older results). */
  diagnosis: z.array(DiagnosedCauseSchema).optional(),
  /** The backend the lesson's reference was calibrated on; pass marks hold for grading on it. */
  referenceBackend: z.string().optional(),
  /** tsc's errors in the student's files, a warning that costs no points (absent when none, and in older results). */
  typeErrors: z.array(TypeErrorSchema).optional(),
});
export type LessonResult = z.infer<typeof LessonResultSchema>;

/** Version 2 added source, grader and gradedAt; version 1 files still parse, without them. */
export const RESULTS_SCHEMA_VERSION = 2;

export const ResultsSchema = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(RESULTS_SCHEMA_VERSION)]),
  target: z.string(),
  /** Whose submission: repository, commit, branch, student (as far as known). */
  source: SourceSchema.default({}),
  /** Which grader graded it, and on which platform. */
  grader: GraderInfoSchema.optional(),
  /** When grading finished, ISO 8601 in UTC. */
  gradedAt: z.iso.datetime().optional(),
  /** The TensorFlow.js backend the lessons trained on. */
  backend: z.string(),
  seed: z.number().int(),
  points: z.number().nonnegative(),
  maxPoints: z.number().nonnegative(),
  lessons: z.array(LessonResultSchema),
  /** Written while grading is under way: the lessons not yet graded are missing. */
  partial: z.boolean().optional(),
});
export type Results = z.infer<typeof ResultsSchema>;

export function sumPoints<T extends { points: number; maxPoints: number }>(items: readonly T[]) {
  return {
    points: round(items.reduce((sum, item) => sum + item.points, 0)),
    maxPoints: round(items.reduce((sum, item) => sum + item.maxPoints, 0)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Reads and validates a results file's text, naming what is wrong with it. */
export function parseResults(text: string, source: string): Results {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const parsed = ResultsSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`${source} is not a grading results document: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
