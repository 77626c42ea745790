// Finds the lessons the grader knows: every folder under grader/lessons with a
// checks.ts. Adding a lesson means adding a folder; nothing here changes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LessonDefinition } from './lesson.ts';
import { graderDir } from './paths.ts';
import { readReference, type Reference } from './reference.ts';

// Most of the grader imports the two paths from here, beside the lessons they locate.
export { graderDir, repoDir } from './paths.ts';
const lessonsDir = join(graderDir, 'lessons');

export function lessonIds(): string[] {
  return readdirSync(lessonsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(lessonsDir, entry.name, 'checks.ts')))
    .map((entry) => entry.name)
    .sort();
}

export async function loadLesson(id: string): Promise<LessonDefinition> {
  if (!lessonIds().includes(id)) {
    throw new Error(`unknown lesson "${id}"; known lessons: ${lessonIds().join(', ')}`);
  }
  return importLesson(id);
}

/** loadLesson without listing the lessons first: the sandbox may not list grader/lessons/. */
export async function importLesson(id: string): Promise<LessonDefinition> {
  const module = (await import(pathToFileURL(join(lessonsDir, id, 'checks.ts')).href)) as {
    default: LessonDefinition;
  };
  return module.default;
}

export function referenceFile(id: string, part?: string): string {
  return join(lessonsDir, id, part ? `reference-${part}.json` : 'reference.json');
}

/** A lesson's reference, with the runs of its separately calibrated parts (reference-<part>.json) under `parts`. */
export function loadReference(id: string): Reference | undefined {
  const reference = readReference(referenceFile(id));
  if (!reference) return undefined;
  const dir = join(lessonsDir, id);
  const parts: Record<string, Reference['runs']> = {};
  for (const file of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const part = /^reference-([a-z0-9-]+)\.json$/.exec(file)?.[1];
    if (part) parts[part] = readReference(join(dir, file))!.runs;
  }
  return Object.keys(parts).length > 0 ? { ...reference, parts } : reference;
}
