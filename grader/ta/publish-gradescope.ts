// Publishes the course as a Gradescope autograder: a zip whose root becomes
// /autograder/source in Gradescope's image. It holds the student template's
// files (the grader, its references, lib/, the given lesson files; no
// solutions), setup.sh (run once when the image is built: Node.js, npm ci, an
// unprivileged user) and run_autograder (run per submission; it always writes
// /autograder/results/results.json).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { zipSync, type Zippable } from 'fflate';
import { templateFiles } from './publish.ts';

/** Which lessons, checks and folders the autograder grades (default: all). */
export interface Grading {
  lessons?: readonly string[];
  checks?: readonly string[];
  variants?: readonly ('exercise' | 'bugs')[];
}

const platformFile = (name: string) => readFileSync(fileURLToPath(new URL(`./platforms/${name}`, import.meta.url)));

/** The zip's files: path to content, with run_autograder and setup.sh executable. */
export async function gradescopeFiles(grading: Grading = {}): Promise<Zippable> {
  const files: Zippable = {};
  // Unix permissions in the zip's external attributes, so Gradescope can run the scripts.
  const mode = (bits: number) => ({ os: 3, attrs: bits << 16 });
  for (const [path, text] of await templateFiles()) files[path] = [Buffer.from(text, 'latin1'), mode(0o100644)];
  const runner = 'grader/ta/platforms/gradescope-run.ts';
  const chosen = Object.fromEntries(Object.entries(grading).filter(([, values]) => values?.length));
  const source = platformFile('gradescope-run.ts').toString('utf8').replace(
    'export const GRADING: Grading = {};',
    `export const GRADING: Grading = ${JSON.stringify(chosen)};`,
  );
  files[runner] = [Buffer.from(source, 'utf8'), mode(0o100644)];
  files['setup.sh'] = [platformFile('setup.sh'), mode(0o100755)];
  files['run_autograder'] = [platformFile('run_autograder'), mode(0o100755)];
  return files;
}

/** Writes the zip; returns its size in bytes. */
export async function publishGradescope(zip: string, grading: Grading = {}): Promise<number> {
  const data = zipSync(await gradescopeFiles(grading), { level: 9 });
  writeFileSync(zip, data);
  return data.length;
}
