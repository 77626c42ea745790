// Mutation testing of the grader: each catalogued bug planted alone in the
// solution must be caught by the checks the catalog names for it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Bug } from './catalog.ts';
import { grade } from './grade.ts';
import { repoDir } from './registry.ts';
import type { LessonResult } from './results.ts';
import { lessonWithBugs } from './variants/generate.ts';

/**
 * Writes solutions/<lesson> with `bugs` planted into a folder inside the
 * repository (so its `#lib` imports resolve) and returns the target folder.
 */
export function writeBuggyTarget(name: string, lesson: string, bugs: readonly Bug[]): string {
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

/** Runs `work` over `items` with at most `limit` running at once, keeping the order of results. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
