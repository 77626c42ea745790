// What the grader and the TA tools accept as a target, and what they say about
// anything else: a checkout's root is a usage error naming the layout, both
// commands read --seed alike, a zip is unpacked, and a folder inside another
// git repository is judged by its own files (extra student files graded,
// changes elsewhere listed with a summary).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { zipSync } from 'fflate';
import { repoDir } from '../../registry.ts';
import { parseSeed } from '../../grading-seed.ts';
import { resolveTarget, UsageError } from '../../target.ts';
import { checkout, parseSource } from '../../ta/checkout.ts';
import { changeSummary, gradeSubmission, variantRoots } from '../../ta/submission.ts';
import { solvedCnn } from './fixture-repo.ts';
import { useTemporaryFolder, writeWithFolders } from '../temporary-folder.ts';

// Without tsc's warnings (tested in attacks/modes.test.ts and type-warnings.test.ts): its program costs some 5 s of processor.
const cheap = { lessons: ['03-cnn'], checks: ['output-shape', 'data-preparation'], variants: ['exercise' as const], typeCheck: false };

const write = writeWithFolders;

describe('TA tools: targets', function () {
  let root: string;
  useTemporaryFolder('targets-', (folder) => (root = folder));

  it("refuses a checkout's root, naming the layout it expects, with exit 2 from npm run grade", () => {
    const checkoutRoot = join(root, 'alice');
    write(join(checkoutRoot, 'exercise', '01-linear-regression', 'linear-regression.ts'), 'export {};\n');
    expect(() => resolveTarget(checkoutRoot)).to.throw(UsageError, /has no lesson folders.*looks like a checkout's root: grade .*exercise/);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'grader/cli/grade.ts', checkoutRoot], { cwd: repoDir, encoding: 'utf8' });
    expect(run.status).to.equal(2);
    expect(run.stderr).to.match(/lesson folders such as 01-linear-regression\//);
  });

  it('reads --seed the same way in grade and ta: whole numbers from 0, anything else a usage error', () => {
    expect(parseSeed('0')).to.equal(0);
    expect(parseSeed('42')).to.equal(42);
    for (const bad of ['-1', '1.5', 'abc', '', '1e3']) expect(() => parseSeed(bad), bad).to.throw(UsageError, /--seed must be a whole number/);
    for (const command of [['grader/cli/grade.ts', 'exercise', '--seed', '-1'], ['grader/cli/ta.ts', 'grade', 'exercise', '--seed', '1.5']]) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', ...command], { cwd: repoDir, encoding: 'utf8' });
      expect(run.status, command.join(' ')).to.equal(2);
      expect(run.stderr).to.include('--seed must be a whole number');
    }
  });

  it('unpacks a zip, entering its one top folder, and refuses entries that climb out of it', async () => {
    const zip = join(root, 'bob.zip');
    writeFileSync(zip, zipSync({ 'bob/exercise/03-cnn/cnn.ts': Buffer.from('export {};\n'), '../escape.txt': Buffer.from('x') }));
    const source = await parseSource(zip);
    expect(source.kind).to.equal('zip');
    const work = await checkout(source);
    try {
      expect(work.dir.endsWith('bob')).to.equal(true);
      expect([...variantRoots(work.dir).keys()]).to.deep.equal(['exercise']);
      expect(readFileSync(join(work.dir, 'exercise', '03-cnn', 'cnn.ts'), 'utf8')).to.equal('export {};\n');
    } finally {
      work.remove();
    }
    expect(() => readFileSync(join(tmpdir(), 'escape.txt'))).to.throw();
  });

  it('summarises a change in lines', () => {
    write(join(root, 'a.txt'), 'one\ntwo\nthree\n');
    write(join(root, 'b.txt'), 'one\n2\nthree\nfour\n');
    expect(changeSummary(join(root, 'a.txt'), join(root, 'b.txt'))).to.equal('+2 -1 lines');
    expect(changeSummary(join(root, 'none.txt'), join(root, 'b.txt'))).to.equal('added, 5 lines');
  });

  it('grades a folder inside another git repository: its helper file graded, its grader edit listed with a summary', async () => {
    const outer = join(root, 'outer');
    const folder = join(outer, 'submissions', 'carol');
    // The student's solution imports a helper of their own from the lesson folder.
    write(join(folder, 'exercise', '03-cnn', 'cnn.ts'), solvedCnn().replace(/^/, "import { CLASSES } from './helper.ts';\nvoid CLASSES;\n"));
    write(join(folder, 'exercise', '03-cnn', 'helper.ts'), 'export const CLASSES = 10;\n');
    copyFileSync(join(repoDir, 'exercise', '03-cnn', 'pretrained.ts'), join(folder, 'exercise', '03-cnn', 'pretrained.ts'));
    write(join(folder, 'grader', 'checks', 'trace.ts'), readFileSync(join(repoDir, 'grader', 'checks', 'trace.ts'), 'utf8') + '// pass everything\n');
    execFileSync('git', ['init', '--quiet', outer]);
    const report = await gradeSubmission(folder, cheap);
    expect(report.results!.lessons[0]!.checks.map((check) => [check.id, check.status])).to.deep.equal([
      ['output-shape', 'pass'],
      ['data-preparation', 'pass'],
    ]);
    expect(report.tampering).to.deep.equal(['grader/checks/trace.ts']);
    expect(report.tamperingSummary).to.deep.equal({ 'grader/checks/trace.ts': '+1 -0 lines' });
    expect(report.results!.source).to.deep.equal({ repository: folder });
  });
});
