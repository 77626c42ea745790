import { expect } from 'chai';
import { diagnose, explain } from '../diagnosis.ts';
import { lessonIds, loadLesson } from '../registry.ts';
import type { CheckResult, LessonResult } from '../results.ts';

function check(id: string, passed: boolean, causes: CheckResult['causes'] = [], buildsOn: string[] = []): CheckResult {
  const status = passed ? 'pass' : 'fail';
  return { id, title: id, status, points: passed ? 1 : 0, maxPoints: 1, message: `${id} ${status}s`, figures: {}, causes, buildsOn, durationMs: 1 };
}

function lesson(...checks: CheckResult[]): LessonResult {
  return { id: 'test-lesson', title: 'test', points: 0, maxPoints: checks.length, checks };
}

describe('the diagnosis', () => {
  const root = (passed: boolean) => check('attention', passed, [{ category: 'tensors-and-inputs/wrong-tensor-shape', weight: 2, text: 'axes swapped' }]);
  const block = check('block', false, [{ category: 'model/layers', weight: 3, text: 'block differs' }], ['attention']);

  it('blames the root of a chain of symptoms, not the links after it', () => {
    const { causes, symptoms } = diagnose(lesson(root(false), block));
    expect(causes.map((cause) => cause.category)).to.deep.equal(['tensors-and-inputs/wrong-tensor-shape']);
    expect(symptoms.find((symptom) => symptom.check === 'block')?.followsFrom).to.deep.equal(['attention']);
    expect(explain(lesson(root(false), block))).to.include('block (may follow from attention, which fails too)');
  });

  it('counts a check’s causes when the parts it builds on pass', () => {
    const { causes } = diagnose(lesson(root(true), block));
    expect(causes.map((cause) => [cause.category, cause.score])).to.deep.equal([['model/layers', 3]]);
  });

  it('adds up the evidence of independent failing checks', () => {
    const other = check('norm', false, [{ category: 'model/layers', weight: 1, text: 'norm axis' }]);
    const { causes } = diagnose(lesson(root(false), other, check('pooling', false, [{ category: 'model/layers', weight: 2, text: 'pooling' }])));
    expect(causes[0]).to.include({ category: 'model/layers', score: 3 });
  });

  it('every lesson builds only on checks it has, run before the check that builds on them', async () => {
    for (const id of lessonIds()) {
      const checks = (await loadLesson(id)).checks.map((c) => c.id);
      (await loadLesson(id)).checks.forEach((c, index) => {
        for (const part of c.buildsOn ?? []) expect(checks.indexOf(part), `${id}: ${c.id} builds on ${part}`).to.be.within(0, index - 1);
      });
    }
  });
});
