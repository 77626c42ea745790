// Gradescope's side of run_autograder: finds the lesson files in what the
// student uploaded (a checkout of the template, one variant's lesson folders,
// or loose files such as cnn.ts), grades them with this course's grader, and
// writes Gradescope's results.json. An error still writes one, saying what
// went wrong; only a crash of Node.js itself leaves that to run_autograder.
//
// Usage: gradescope-run.ts <submission folder> <results.json>
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gradescopeResults, GradescopeResultsSchema } from '../../reporters/gradescope.ts';
import type { Grading } from '../publish-gradescope.ts';
import { gradeSubmission, studentFiles, variantRoots } from '../submission.ts';

/** Which lessons, checks and folders this autograder grades (set by `ta publish`). */
export const GRADING: Grading = {};

/** A folder with the course's layout holding the submission's lesson files. */
export async function arrange(submission: string, scratch: string): Promise<string> {
  if (variantRoots(submission).size) return submission;
  const top = readdirSync(submission, { withFileTypes: true });
  if (top.length === 1 && top[0]!.isDirectory() && variantRoots(join(submission, top[0]!.name)).size) return join(submission, top[0]!.name);
  // Loose files: each goes to the lesson whose file it is named after.
  const byName = new Map((await studentFiles(GRADING.lessons)).filter((file) => file.variant === 'exercise').map((file) => [basename(file.file), file]));
  for (const entry of readdirSync(submission, { recursive: true, withFileTypes: true })) {
    const file = entry.isFile() ? byName.get(entry.name) : undefined;
    if (!file) continue;
    mkdirSync(join(scratch, 'exercise', file.lesson), { recursive: true });
    copyFileSync(join(entry.parentPath, entry.name), join(scratch, file.path));
  }
  return scratch;
}

/** Who submitted, from the metadata Gradescope leaves beside the submission. */
function studentsOf(metadataFile: string): { student?: string } {
  try {
    const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as { users?: { email?: string; name?: string }[] };
    const users = (metadata.users ?? []).map((user) => user.email ?? user.name).filter(Boolean);
    return users.length ? { student: users.join(', ') } : {};
  } catch {
    return {};
  }
}

async function main(submission: string, out: string): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'gradescope-'));
  try {
    const dir = await arrange(submission, scratch);
    const report = await gradeSubmission(dir, { ...GRADING, name: 'submission' });
    const results = report.results!;
    results.source = { ...results.source, ...studentsOf(join(dirname(submission), 'submission_metadata.json')) };
    const doc = gradescopeResults(results);
    // The results document too, for a TA to compare a class without grading again.
    doc.extra_data = { results };
    if (report.tampering.length) {
      doc.output += `\nFiles outside the lesson folders differ from the course's; they were not used: ${report.tampering.join(', ')}.`;
    }
    writeFileSync(out, JSON.stringify(GradescopeResultsSchema.parse(doc), null, 2) + '\n');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const doc = { score: 0, output: `The autograder could not grade this submission: ${message}`, visibility: 'visible' as const, tests: [] };
    writeFileSync(out, JSON.stringify(GradescopeResultsSchema.parse(doc), null, 2) + '\n');
    process.exitCode = 2;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && basename(process.argv[1]) === 'gradescope-run.ts') {
  const [submission, out] = process.argv.slice(2);
  if (!submission || !out || !existsSync(submission)) {
    console.error('usage: gradescope-run.ts <submission folder> <results.json>');
    process.exitCode = 2;
  } else {
    await main(submission, out);
  }
}
