// Hints on demand for the debugging lesson. A bug counts as solved once the
// text it planted is gone from the student's bugs/ file: no grading needed,
// so a hint is instant.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lessonBugs, type Bug } from './catalog.ts';

export async function unsolvedBugs(lessonDir: string, lesson: string): Promise<Bug[]> {
  const bugs = await lessonBugs(lesson);
  return bugs.filter((bug) => {
    const file = join(lessonDir, bug.file);
    return existsSync(file) && readFileSync(file, 'utf8').includes(bug.patch.replace);
  });
}
