// Student code attacking the grader through `npm run grade` (the grade()
// that it runs): each attacking submission must get the grade of the same file
// without the attack, and leave every file of the grader and the solutions as
// it was.
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { grade } from '../../grade.ts';
import { repoDir } from '../../registry.ts';
import type { LessonResult } from '../../results.ts';
import { sandboxLaunch } from '../../sandbox/permissions.ts';
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

  // Where the grader is not root, or `nobody` cannot read the course, student
  // code runs as the grader's own user: Node's permission model and the
  // hardening alone must then hold. A folder of mode 700 makes that happen here.
  it("as the grader's own user: the attacks that rely on the user at once, the honest grade", async () => {
    const key = [
      'ending the grader: process.kill(process.ppid), its inspector, its process group',
      'writing into the grader: reference.json, a lesson file, a check',
      'reading the answers: importing solutions/ and re-exporting them',
      'forged results: the signing key taken from the HMAC handle Node shares, then results signed with it',
    ];
    expect(attacks).to.include.all.keys(key);
    const dir = join(repoDir, '.cache', 'targets', 'attack-private');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    targets.push(dir);
    cpSync(writeTarget('own-user', attackFile(base, ...key.map((name) => attacks[name]!))), join(dir, 'attack'), { recursive: true });
    targets.push(join(repoDir, '.cache', 'targets', 'attack-own-user'));
    chmodSync(dir, 0o700);
    const launch = sandboxLaunch(join(dir, 'attack', lesson));
    launch.cleanup();
    expect(launch.uid, 'the sandbox runs as the grader\'s user').to.equal(undefined);
    const attacked = await gradeTarget(join(dir, 'attack'));
    expect(verdicts(attacked)).to.deep.equal(verdicts(honest));
  });
});
