// A lesson's grader-side functions: grader/lessons/<id>/reference-math.ts.
// The sandbox may not read that file (permissions.ts), so student code can
// neither import the reference's maths nor read how it is computed; a check
// calls the functions through its context (LessonContext.graderSide), and the
// grader runs them in its own process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { graderDir } from '../registry.ts';

export const GRADER_SIDE_FILE = 'reference-math.ts';

export async function graderSideFunction(lessonId: string, name: string): Promise<(...args: unknown[]) => unknown> {
  const module = (await import(pathToFileURL(join(graderDir, 'lessons', lessonId, GRADER_SIDE_FILE)).href)) as Record<string, unknown>;
  const value = Object.hasOwn(module, name) ? module[name] : undefined;
  if (typeof value !== 'function') throw new Error(`lesson ${lessonId}'s ${GRADER_SIDE_FILE} exports no function ${name}`);
  return value as (...args: unknown[]) => unknown;
}
