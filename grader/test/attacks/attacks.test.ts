// Student code attacking the grader through `npm run grade` (the grade()
// that it runs): each attacking submission must get the grade of the same file
// without the attack, and leave every file of the grader and the solutions as
// it was.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { grade } from '../../grade.ts';
import { repoDir } from '../../registry.ts';
import type { LessonResult } from '../../results.ts';
import { attackFile, attacks } from './attacks.ts';
import { changedSince, file, fingerprint, lesson, writeTarget } from './targets.ts';

/** Cheap checks, some of which the planted bugs fail: room for a forged pass. */
const checks = ['bias-column', 'standardize', 'least-squares', 'mse-loss', 'gradient-formula'];
const base = readFileSync(join(repoDir, 'bugs', lesson, file), 'utf8');

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
  afterEach(() => expect(changedSince(untouched)).to.deep.equal([]));
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
