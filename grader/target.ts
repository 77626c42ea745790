// What the grader grades: a variant folder of this repository by name, or any
// directory with the same lesson layout (a student's checkout, a worktree).
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { repoDir } from './registry.ts';

export const VARIANTS = ['exercise', 'solutions', 'bugs'] as const;
export type Variant = (typeof VARIANTS)[number];

export class UsageError extends Error {}

export function resolveTarget(target: string): string {
  const candidate = (VARIANTS as readonly string[]).includes(target)
    ? resolve(repoDir, target)
    : isAbsolute(target)
      ? target
      : resolve(process.cwd(), target);
  if (!existsSync(candidate) || !statSync(candidate).isDirectory()) {
    throw new UsageError(
      `target "${target}" is not a directory; give one of ${VARIANTS.join(', ')} or a folder with lesson folders such as 03-cnn/`,
    );
  }
  return candidate;
}
