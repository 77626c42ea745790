// What the grader grades: a variant folder of this repository by name, or any
// directory with the same lesson layout (a student's checkout, a worktree).
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { lessonIds, repoDir } from './registry.ts';
import { UsageError } from './usage-error.ts';

export { UsageError } from './usage-error.ts';

export const VARIANTS = ['exercise', 'solutions', 'bugs'] as const;
export type Variant = (typeof VARIANTS)[number];

/** The lesson folders `dir` has, e.g. ['01-linear-regression', '03-cnn']. */
export function lessonFoldersIn(dir: string): string[] {
  return lessonIds().filter((id) => existsSync(join(dir, id)) && statSync(join(dir, id)).isDirectory());
}

/** What a target must look like, for error messages. */
export function expectedLayout(): string {
  const [first, second] = lessonIds();
  return `a folder holding lesson folders such as ${first}/ and ${second}/ (the course's exercise/ or bugs/ folder, or a copy of one)`;
}

export function resolveTarget(target: string): string {
  const candidate = (VARIANTS as readonly string[]).includes(target)
    ? resolve(repoDir, target)
    : isAbsolute(target)
      ? target
      : resolve(process.cwd(), target);
  if (!existsSync(candidate) || !statSync(candidate).isDirectory()) {
    throw new UsageError(`target "${target}" is not a directory; give one of ${VARIANTS.join(', ')} or ${expectedLayout()}`);
  }
  if (lessonFoldersIn(candidate).length === 0) {
    // Grading it would give every check "missing file": a grade of 0 for a wrong path.
    const inside = ['exercise', 'bugs'].filter((variant) => lessonFoldersIn(join(candidate, variant)).length > 0);
    throw new UsageError(
      `target "${target}" has no lesson folders; the grader expects ${expectedLayout()}` +
        (inside.length ? `. It looks like a checkout's root: grade ${inside.map((variant) => join(target, variant)).join(' and ')}` : ''),
    );
  }
  return candidate;
}
