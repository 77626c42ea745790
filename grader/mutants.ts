// Mutation testing of the grader: each catalogued bug planted alone in the
// solution must be caught by the checks the catalog names for it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Alternate, Bug, Patched } from './catalog.ts';
import { grade } from './grade.ts';
import { repoDir } from './registry.ts';
import type { LessonResult } from './results.ts';
import { lessonWithBugs } from './variants/generate.ts';

/**
 * Writes solutions/<lesson> with `bugs` planted into a folder inside the
 * repository (so its `#lib` imports resolve) and returns the target folder.
 */
export function writeBuggyTarget(name: string, lesson: string, bugs: readonly Patched[]): string {
  const target = join(repoDir, '.cache', 'targets', name);
  rmSync(target, { recursive: true, force: true });
  for (const [file, text] of lessonWithBugs(lesson, bugs)) {
    const path = join(target, lesson, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return target;
}

export interface MutantOutcome {
  bug: Bug;
  lesson: LessonResult;
  /** Checks named in the catalog that did not fail: the grader missed the bug there. */
  missedBy: string[];
}

export async function gradeMutant(bug: Bug, options: { onlyNamedChecks?: boolean } = {}): Promise<MutantOutcome> {
  const targetDir = writeBuggyTarget(`bug-${bug.id}`, bug.lesson, [bug]);
  try {
    const results = await grade({
      targetDir,
      targetName: `solutions + ${bug.id}`,
      lessons: [bug.lesson],
      checks: options.onlyNamedChecks ? bug.catches : undefined,
    });
    const lesson = results.lessons[0]!;
    const missedBy = bug.catches.filter((id) => lesson.checks.find((check) => check.id === id)?.status === 'pass');
    return { bug, lesson, missedBy };
  } finally {
    rmSync(targetDir, { recursive: true, force: true });
  }
}

export interface AlternateOutcome {
  alternate: Alternate;
  seed: number;
  lesson: LessonResult;
  /** Checks that failed and should not have (for a true alternate, every failing check). */
  unfairlyFailed: string[];
  /** Prescription checks the entry should fail that passed. */
  missedPrescriptions: string[];
}

/** Grades the solution with one alternate planted, on one seed (only `checks`, if given). */
export async function gradeAlternate(alternate: Alternate, seed: number, checks?: readonly string[]): Promise<AlternateOutcome> {
  const targetDir = writeBuggyTarget(`alternate-${alternate.id}-${seed}`, alternate.lesson, [alternate]);
  try {
    const results = await grade({ targetDir, targetName: `solutions + ${alternate.id}`, lessons: [alternate.lesson], seed, checks });
    const lesson = results.lessons[0]!;
    const failing = lesson.checks.filter((check) => check.status !== 'pass').map((check) => check.id);
    return {
      alternate,
      seed,
      lesson,
      unfairlyFailed: failing.filter((id) => !alternate.fails.includes(id)),
      missedPrescriptions: alternate.fails.filter((id) => !failing.includes(id)),
    };
  } finally {
    rmSync(targetDir, { recursive: true, force: true });
  }
}

