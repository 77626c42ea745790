// A type error in a student's file is a warning beside the grade, never a
// lost point and never a failed grading. (npm run grade, ta grade and ta
// compare show it: grader/test/attacks/modes.test.ts.)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { repoDir } from '../registry.ts';
import { terminalReport } from '../reporters/terminal.ts';
import type { Results } from '../results.ts';
import { typeCheck } from '../sandbox/type-check.ts';

describe('type errors in student files', () => {
  const target = join(repoDir, '.cache', 'targets', 'type-warnings');
  after(() => rmSync(target, { recursive: true, force: true }));

  it('are found per lesson, in the student files only; a file tsc cannot parse and a missing lesson do not fail', async () => {
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, 'lesson-a'), { recursive: true });
    mkdirSync(join(target, 'lesson-b'), { recursive: true });
    writeFileSync(join(target, 'lesson-a', 'main.ts'), "import { helper } from './helper.ts';\nexport const n: number = helper();\n");
    // A new file each run, so the check itself runs, not its cache.
    writeFileSync(join(target, 'lesson-a', 'helper.ts'), `// ${Date.now()}\nexport function helper(): string {\n  return 'text';\n}\n`);
    writeFileSync(join(target, 'lesson-b', 'broken.ts'), 'export const x = ;\n');
    const found = await typeCheck(target, ['lesson-a', 'lesson-b', 'lesson-missing']);
    expect([...found.keys()]).to.deep.equal(['lesson-a', 'lesson-b']);
    expect(found.get('lesson-a')).to.deep.equal([{ file: 'main.ts', line: 2, column: 14, message: "Type 'string' is not assignable to type 'number'." }]);
    expect(found.get('lesson-b')![0]).to.include({ file: 'broken.ts', line: 1, message: 'Expression expected.' });
    // Asked again, the same answer, from the cache.
    expect(await typeCheck(target, ['lesson-a', 'lesson-b'])).to.deep.equal(found);
  });

  it('are shown under the lesson\'s grade, which they do not change', () => {
    const results: Results = {
      schemaVersion: 2,
      target: 'exercise',
      source: {},
      backend: 'wasm',
      seed: 1,
      points: 1,
      maxPoints: 1,
      lessons: [
        {
          id: '01-linear-regression',
          title: 'Linear regression',
          points: 1,
          maxPoints: 1,
          checks: [{ id: 'a', title: 'a check', status: 'pass', points: 1, maxPoints: 1, message: 'ok', figures: {}, causes: [], buildsOn: [], durationMs: 1 }],
          typeErrors: [{ file: 'linear-regression.ts', line: 3, column: 7, message: "Type 'string' is not assignable to type 'number'." }],
        },
      ],
    };
    const text = terminalReport(results);
    expect(text).to.include('01-linear-regression  Linear regression  1 / 1\n  WARN  1 type error in your files (tsc; no points taken');
    expect(text).to.include("linear-regression.ts:3:7 Type 'string' is not assignable to type 'number'.");
  });
});
