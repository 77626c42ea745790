// Attacking submissions written where the grader grades them, and a
// fingerprint of the files no submission may change.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoDir } from '../../registry.ts';

export const lesson = '01-linear-regression';
export const file = 'linear-regression.ts';

/** sha256 of every file of the grader (its tests aside), lib/ (its data aside) and solutions/. */
export function fingerprint(): Map<string, string> {
  const out = new Map<string, string>();
  for (const top of ['grader', 'solutions', 'lib']) {
    for (const entry of readdirSync(join(repoDir, top), { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (!entry.isFile() || path.includes('/test/') || path.includes('/data/')) continue;
      out.set(relative(repoDir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  }
  return out;
}

/** Files added, removed or changed since `before` was taken. */
export function changedSince(before: Map<string, string>): string[] {
  const now = fingerprint();
  const paths = new Set([...before.keys(), ...now.keys()]);
  return [...paths].filter((path) => before.get(path) !== now.get(path)).sort();
}

export function writeTarget(name: string, text: string): string {
  const dir = join(repoDir, '.cache', 'targets', `attack-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, lesson), { recursive: true });
  writeFileSync(join(dir, lesson, file), text);
  return dir;
}

