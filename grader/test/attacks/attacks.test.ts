// Student code attacking the grader through `npm run grade` (the grade()
// that it runs): each attacking submission must get the grade of the same file
// without the attack, and leave every file of the grader and the solutions as
// it was.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { grade } from '../../grade.ts';
import { repoDir } from '../../registry.ts';
import type { LessonResult } from '../../results.ts';
import { attackFile, attacks } from './attacks.ts';

const lesson = '01-linear-regression';
const file = 'linear-regression.ts';
/** Cheap checks, some of which the planted bugs fail: room for a forged pass. */
const checks = ['bias-column', 'standardize', 'least-squares', 'mse-loss'];
const base = readFileSync(join(repoDir, 'bugs', lesson, file), 'utf8');

/** sha256 of every file under the grader (its tests aside) and solutions/. */
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

export function writeTarget(name: string, text: string): string {
  const dir = join(repoDir, '.cache', 'targets', `attack-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, lesson), { recursive: true });
  writeFileSync(join(dir, lesson, file), text);
  return dir;
}

async function gradeTarget(targetDir: string, options: { checks?: string[]; memoryLimitMb?: number } = {}): Promise<LessonResult> {
  const results = await grade({ targetDir, targetName: 'attack', lessons: [lesson], checks: options.checks ?? checks, memoryLimitMb: options.memoryLimitMb });
  return results.lessons[0]!;
}

const verdicts = (result: LessonResult) => result.checks.map((check) => `${check.id}: ${check.status} ${check.points}/${check.maxPoints}`);

describe('attacks on the grader through npm run grade', function () {
  let honest: LessonResult;
  let untouched: Map<string, string>;
  const targets: string[] = [];

  before(async () => {
    untouched = fingerprint();
    honest = await gradeTarget(writeTarget('honest', base));
    // The planted bugs leave some checks failing: a forged grade would show.
    expect(honest.points).to.be.lessThan(honest.maxPoints);
  });
  afterEach(() => expect(fingerprint()).to.deep.equal(untouched));
  after(() => {
    for (const dir of targets) rmSync(dir, { recursive: true, force: true });
    rmSync(join(repoDir, '.cache', 'targets', 'attack-honest'), { recursive: true, force: true });
  });

  Object.entries(attacks).forEach(([name, code], i) => {
    it(`${name}: the honest grade`, async () => {
      const dir = writeTarget(`${i}`, attackFile(base, code));
      targets.push(dir);
      const attacked = await gradeTarget(dir);
      expect(verdicts(attacked)).to.deep.equal(verdicts(honest));
      expect(attacked.points).to.equal(honest.points);
    });
  });
});
