// A check's call of its lesson's grader-side maths (reference-math.ts) keeps
// what plain JSON would lose on the way: a NaN the student's code produced
// must stay NaN, or the comparison would read it as 0 and could pass it.
import { join } from 'node:path';
import { expect } from 'chai';
import type * as Reference from '../lessons/05-transformer/reference-math.ts';
import { loadLesson, repoDir } from '../registry.ts';
import { createContext } from '../sandbox/context.ts';
import { decodeNumbers, encodeNumbers } from '../sandbox/json-numbers.ts';

describe("a lesson's grader-side functions", () => {
  it('keep NaN, infinities and typed arrays on the way there and back', () => {
    const value = { a: [1, NaN, Infinity, -Infinity], b: new Float32Array([0.5, 2]), c: 'NaN as text stays NaN' };
    expect(decodeNumbers(encodeNumbers(value))).to.deep.equal({ a: [1, NaN, Infinity, -Infinity], b: [0.5, 2], c: 'NaN as text stays NaN' });
  });

  it('are called through the context, and a NaN output is not a match', async () => {
    const lesson = await loadLesson('05-transformer');
    const context = createContext({ lesson, lessonDir: join(repoDir, 'solutions', lesson.id), seed: 1, reference: undefined });
    const reference = context.graderSide<typeof Reference>();
    const rows = [[1, 2, 3, 4]];
    const expected = await reference.judgeLayerNorm(rows, [1, 1, 1, 1], [0, 0, 0, 0], new Float32Array([-1.3416, -0.4472, 0.4472, 1.3416]));
    expect(expected.diff).to.be.lessThan(1e-3);
    const nan = await reference.judgeLayerNorm(rows, [1, 1, 1, 1], [0, 0, 0, 0], [NaN, -0.4472, 0.4472, 1.3416]);
    expect(nan.diff).to.be.NaN;
    expect(nan.index).to.equal(0);
  });
});
