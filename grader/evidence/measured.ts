// What the evidence rules read: one lesson's figures, merged across its checks,
// and which checks failed. Its own file because the rules in rules.ts and
// loop-rules.ts, and the detectors a lesson runs before grading ends
// (unshuffled.ts), all read it.
import type { LessonResult } from '../results.ts';

/** One lesson's figures, merged across its checks, and which checks failed. */
export interface Measured {
  figure(name: string): number | null;
  /** A figure as one check measured it, for names other checks use with another meaning (`expected`, `initialLoss`). */
  figureOf(check: string, name: string): number | null;
  failed(check: string): boolean;
  ran(check: string): boolean;
}

/** Measurements of a run alone, e.g. trainingFigures(run), for rules a lesson applies before grading ends. */
export function measuredFigures(figures: Record<string, number | null>): Measured {
  return measured({ id: '', title: '', points: 0, maxPoints: 0, checks: [{ id: 'run', title: '', status: 'pass', points: 0, maxPoints: 0, message: '', figures, causes: [], buildsOn: [], durationMs: 0 }] });
}

/** A graded lesson's figures (the first check to report a name wins) and its checks' statuses; NaN and Infinity read as null. */
export function measured(lesson: LessonResult): Measured {
  const figures = new Map<string, number | null>();
  for (const check of lesson.checks) for (const [name, value] of Object.entries(check.figures)) if (!figures.has(name)) figures.set(name, value);
  const status = new Map(lesson.checks.map((check) => [check.id, check.status]));
  const finite = (value: number | null | undefined) => (value === undefined || value === null || !Number.isFinite(value) ? null : value);
  return {
    figureOf: (check, name) => finite(lesson.checks.find((c) => c.id === check)?.figures[name]),
    figure: (name) => finite(figures.get(name)),
    failed: (check) => status.get(check) === 'fail' || status.get(check) === 'error',
    ran: (check) => status.has(check),
  };
}
