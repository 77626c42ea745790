// What an instructor writes to add a lesson to the grader: its student files,
// the runs that several checks share (fixtures), the checks with their points,
// and what calibration records from the reference solution.
import type { Cause } from './faults.ts';
import type { Curve } from './results.ts';
import type { Reference, ReferenceRun } from './reference.ts';

/** What `npm run calibrate` tells a calibration: the catalogued alternate planted in the solution, if any. */
export interface CalibrationOptions {
  alternate?: string;
}

/** Everything a check or fixture may use. It runs inside the sandbox process. */
export interface LessonContext {
  /** The lesson folder of the graded target, e.g. `<target>/03-cnn`. */
  readonly lessonDir: string;
  /** Grading seed: fixtures call seedEverything(seed) before they train. */
  readonly seed: number;
  /** The calibrated reference, or undefined before `npm run calibrate` has run. */
  readonly reference: Reference | undefined;
  /** Imports one of the target's lesson files (a clear error if it is missing or throws). */
  load<Module>(file: string): Promise<Module>;
  /** A named fixture's value, computed once per sandbox process. */
  fixture<Value>(name: string): Promise<Value>;
  /**
   * The lesson's grader-side functions (`grader/lessons/<id>/reference-math.ts`,
   * imported here by type only: `graderSide<typeof import('./reference-math.ts')>()`).
   * They run in the grader, outside the sandbox, which cannot read the file.
   * Each call is a round trip; arguments and results travel as JSON (NaN and
   * typed arrays kept). Return what the check needs to say, not whole
   * expected tensors: the sandbox's messages are visible to student code.
   */
  graderSide<Module>(): Remote<Module>;
}

/** A module's functions, called in another process: each returns a promise. */
export type Remote<Module> = {
  [Name in keyof Module]: Module[Name] extends (...args: infer Args) => infer Result ? (...args: Args) => Promise<Awaited<Result>> : never;
};

/** What a passing check reports. A string is shorthand for `{ message }`. */
export interface CheckOutcome {
  message: string;
  figures?: Record<string, number | null>;
  curve?: Curve;
}

export interface Check {
  /** Stable kebab-case id: used in results, the bug catalog and reports. */
  id: string;
  title: string;
  points: number;
  /** Fixtures this check uses: if one of them failed or hung, the check fails at once. */
  needs?: readonly string[];
  /**
   * Checks of the parts this check's subject is built from (e.g. an encoder
   * block's attention). When one of them fails too, this failure may only be a
   * consequence, and the diagnosis leaves its causes out: the root of a chain
   * of symptoms gets the blame, not every link after it.
   */
  buildsOn?: readonly string[];
  /**
   * The check compares the student's run with what the lesson's README asks
   * for (an optimizer, a batch size, a network), not with how well it learns.
   * The README's points table marks it, so the instruction is never a surprise.
   */
  prescribed?: boolean;
  /** Time for the check itself, fixtures excluded. Default 30 s. */
  timeoutMs?: number;
  /** Throws CheckFailure (or a chai AssertionError) to fail; any other error is an error. */
  run(ctx: LessonContext): Promise<CheckOutcome | string>;
}

export interface Fixture {
  timeoutMs: number;
  run(ctx: LessonContext): Promise<unknown>;
}

export interface LessonDefinition {
  id: string;
  title: string;
  /**
   * The student's files in the lesson folder, e.g. ['cnn.ts']. The first one
   * exports `main(args: string[], report: Report)` (lib/contracts/training.ts), which `npm run train` calls.
   */
  files: readonly string[];
  fixtures: Record<string, Fixture>;
  checks: readonly Check[];
  /** One calibration run of the reference solution with the given context's seed. */
  calibrate?(ctx: LessonContext, options?: CalibrationOptions): Promise<ReferenceRun>;
  /**
   * Parts calibrated apart, each into reference-<part>.json; their checks read
   * them through partReference(ctx.reference, part).
   */
  calibrateParts?: Record<string, (ctx: LessonContext, options: CalibrationOptions) => Promise<ReferenceRun>>;
  /**
   * The student file each part of calibrateParts grades: `npm run calibrate --
   * --alternates` calibrates the part over that file's catalogued alternates too.
   */
  partFiles?: Record<string, string>;
  /**
   * For a student file that only some checks load: those checks. A change
   * confined to that file (a catalogued alternate) can only move them, so the
   * self-tests grade it on them alone. Files not listed are graded on every check.
   */
  checksOfFile?: Record<string, readonly string[]>;
}

export function defineLesson(lesson: LessonDefinition): LessonDefinition {
  const ids = new Set<string>();
  for (const check of lesson.checks) {
    if (ids.has(check.id)) throw new Error(`lesson ${lesson.id}: two checks have the id ${check.id}`);
    ids.add(check.id);
    for (const need of check.needs ?? []) {
      if (!(need in lesson.fixtures)) {
        throw new Error(`lesson ${lesson.id}: check ${check.id} needs unknown fixture ${need}`);
      }
    }
  }
  return lesson;
}

/** A check's verdict that the student's work is wrong, with what it saw. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly figures: Record<string, number | null> = {},
    readonly causes: Cause[] = [],
    /** The loss curve the check saw: a failing curve is the one the student most needs to see. */
    readonly curve?: Curve,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}
