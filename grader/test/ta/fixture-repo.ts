// A student repository for the TA tools' tests: a clone of this course with
// branches a student might push. Built once per test run in a temporary folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoDir } from '../../registry.ts';
import { withoutMarkers } from '../../variants/student-regions.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Student', '-c', 'user.email=student@example.invalid', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export const solvedCnn = () => withoutMarkers(readFileSync(join(repoDir, 'solutions', '03-cnn', 'cnn.ts'), 'utf8'), 'cnn.ts');

export interface FixtureRepo {
  dir: string;
  remove(): void;
}

/**
 * Branches: `good` (the lesson solved, and a grader file edited: tampering),
 * `hog` (grabs memory while its lesson file is imported), `hang` (never finishes importing),
 * `patch` (solved, but breaks tf's arraySync for anything that runs after it in the same process).
 */
export function makeFixtureRepo(): FixtureRepo {
  const root = mkdtempSync(join(tmpdir(), 'ta-fixture-'));
  const dir = join(root, 'student');
  execFileSync('git', ['clone', '--quiet', '--shared', repoDir, dir]);
  const cnn = join(dir, 'exercise', '03-cnn', 'cnn.ts');
  const skeleton = readFileSync(cnn, 'utf8');
  const branch = (name: string, change: () => void) => {
    git(dir, 'checkout', '--quiet', '-b', name, 'HEAD');
    change();
    git(dir, 'commit', '--quiet', '-am', name);
    git(dir, 'checkout', '--quiet', '-');
  };
  branch('good', () => {
    writeFileSync(cnn, solvedCnn());
    appendFileSync(join(dir, 'grader', 'checks', 'trace.ts'), '\n// every check passes now\n');
  });
  branch('hog', () => writeFileSync(cnn, `const hog: number[][] = [];\nwhile (hog.length >= 0) hog.push(new Array(1e6).fill(hog.length));\n${skeleton}`));
  // Blocks forever without using a processor: the suite runs test files side by side.
  branch('hang', () => writeFileSync(cnn, `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\n${skeleton}`));
  branch('patch', () => writeFileSync(cnn, `${solvedCnn()}\ntf.Tensor.prototype.arraySync = () => {\n  throw new Error('patched by another submission');\n};\n`));
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
