import { expect } from 'chai';
import { findRegions, toExercise, withoutMarkers } from '../variants/student-regions.ts';

const solution = [
  'export function loss(): number {',
  '  // >>> student: compute the loss',
  '  const value = 1;',
  '  return value;',
  '  // <<< student',
  '}',
].join('\n');

describe('student regions', () => {
  it('turns a region into a TODO that throws "not implemented"', () => {
    expect(toExercise(solution, 'x.ts')).to.equal(
      [
        'export function loss(): number {',
        '  // TODO: compute the loss',
        '  throw new Error("not implemented: compute the loss");',
        '}',
      ].join('\n'),
    );
  });

  it('drops only the marker lines for the other variants', () => {
    expect(withoutMarkers(solution, 'x.ts')).to.equal(
      ['export function loss(): number {', '  const value = 1;', '  return value;', '}'].join('\n'),
    );
  });

  it('declares what a region ending before the return computes, so the code after it still type-checks', () => {
    const early = [
      'export function scaled(x: number): { a: number; b: number } {',
      '  // >>> student: scale x',
      '  const a = x / 255;',
      '  // <<< student: let a: number',
      '  const b = x;',
      '  return { a, b };',
      '}',
    ].join('\n');
    expect(toExercise(early, 'x.ts')).to.equal(
      [
        'export function scaled(x: number): { a: number; b: number } {',
        '  let a: number;',
        '  // TODO: scale x',
        '  throw new Error("not implemented: scale x");',
        '  const b = x;',
        '  return { a, b };',
        '}',
      ].join('\n'),
    );
    expect(withoutMarkers(early, 'x.ts')).to.not.include('student');
    expect(() => findRegions('// >>> student: a\n// <<< student: a: number\n', 'e.ts')).to.throw('e.ts:2: malformed student marker');
  });

  it('names the file and line of an unclosed, nested or stray marker', () => {
    expect(() => findRegions('// >>> student: a\n', 'a.ts')).to.throw('a.ts:1: student region is never closed');
    expect(() => findRegions('// >>> student: a\n// >>> student: b\n', 'b.ts')).to.throw('b.ts:2');
    expect(() => findRegions('x\n// <<< student\n', 'c.ts')).to.throw('c.ts:2: "// <<< student" closes no region');
    expect(() => findRegions('// >>> student a\n', 'd.ts')).to.throw('d.ts:1: malformed student marker');
  });
});
