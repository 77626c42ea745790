// Messages between the grader and the sandbox process that runs student code.
import type { Cause } from '../faults.ts';
import type { CheckStatus, Curve } from '../results.ts';

export interface SandboxOptions {
  lessonId: string;
  lessonDir: string;
  seed: number;
}

export type ToSandbox = { kind: 'run'; checkId: string };

export type FromSandbox =
  | { kind: 'ready'; backend: string }
  /** A named phase began: `load:<file>` or `fixture:<name>`; the grader blames it for a hang. */
  | { kind: 'phase'; phase: string }
  | { kind: 'phase-done'; phase: string }
  | { kind: 'phase-failed'; phase: string; message: string }
  | {
      kind: 'result';
      checkId: string;
      status: CheckStatus;
      message: string;
      figures: Record<string, number | null>;
      causes: Cause[];
      curve?: Curve;
    };
