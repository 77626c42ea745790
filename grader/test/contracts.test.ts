// Every variant of a lesson keeps its contract (lib/contracts/NN-name.ts): the
// exports the grader relies on, with their types. `npm run typecheck` proves
// the types through contracts-kept.ts, which `npm run variants` generates from
// each lesson's files and its contract's LessonFiles (the drift test keeps it
// current). This test walks the same lessons at run time: every file the
// grader loads has a contract, and each variant exports what the solution does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { lessonIds, loadLesson, repoDir } from '../registry.ts';
import { solutionLessons } from '../variants/generate.ts';
import { contractsKept } from '../variants/contracts-kept.ts';

const exportsOf = async (path: string) => Object.keys((await import(join(repoDir, path))) as Record<string, unknown>).sort();

describe('lesson contracts', () => {
  it('every lesson the grader knows has a solution and a contract', () => {
    expect(solutionLessons()).to.deep.equal(lessonIds());
    for (const id of lessonIds()) expect(existsSync(join(repoDir, 'lib', 'contracts', `${id}.ts`)), id).to.equal(true);
  });

  for (const id of lessonIds()) {
    it(`${id}: the exercise and the bugs export every name the solution does, for each of the lesson's files`, async () => {
      const { files } = await loadLesson(id);
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) {
        const solution = await exportsOf(join('solutions', id, file));
        expect(solution, `solutions/${id}/${file}`).to.include('main');
        for (const variant of ['exercise', 'bugs']) expect(await exportsOf(join(variant, id, file)), `${variant}/${id}/${file}`).to.deep.equal(solution);
      }
    });
  }

  it('the generated type test names every variant of every lesson file against its contract', () => {
    const text = contractsKept([{ id: '07-new', files: ['a.ts', 'b-part.ts'] }]);
    expect(text).to.include("import type { LessonFiles as Contract07New } from '#lib/contracts/07-new.ts';");
    for (const variant of ['Solutions', 'Exercise', 'Bugs']) {
      expect(text).to.include(`Keeps<Contract07New['a.ts'], typeof ${variant}07NewA>,`);
      expect(text).to.include(`Keeps<Contract07New['b-part.ts'], typeof ${variant}07NewBPart>,`);
    }
    expect(text).to.include("import type * as Bugs07NewBPart from '../../bugs/07-new/b-part.ts';");
  });
});
