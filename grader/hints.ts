// Hints on demand for the debugging lesson. A bug counts as solved once the
// text it planted is gone from the student's bugs/ file: no grading needed,
// so a hint is instant. Where the planted text says nothing (a deletion, or a
// replacement as common as "1"), the bug counts as solved once the solution's
// text is back.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lessonBugs, type Bug } from './catalog.ts';
import { repoDir } from './registry.ts';
import { withoutMarkers } from './variants/student-regions.ts';

/** The solution's file as bugs are planted in it, or undefined outside the course repository. */
function solutionText(lesson: string, file: string): string | undefined {
  const path = join(repoDir, 'solutions', lesson, file);
  return existsSync(path) ? withoutMarkers(readFileSync(path, 'utf8'), `solutions/${lesson}/${file}`) : undefined;
}

function stillPlanted(bug: Bug, text: string): boolean {
  const { find, replace } = bug.patch;
  const solution = solutionText(bug.lesson, bug.file);
  // A replacement that is empty, a few characters, or in the solution itself cannot tell planted from fixed.
  // (A student's template has no solutions/: there the length rule alone decides.)
  const telling = replace.trim().length >= 6 && (solution === undefined || !solution.includes(replace));
  return telling ? text.includes(replace) : !text.includes(find);
}

export async function unsolvedBugs(lessonDir: string, lesson: string): Promise<Bug[]> {
  const bugs = await lessonBugs(lesson);
  return bugs.filter((bug) => {
    const file = join(lessonDir, bug.file);
    return existsSync(file) && stillPlanted(bug, readFileSync(file, 'utf8'));
  });
}
