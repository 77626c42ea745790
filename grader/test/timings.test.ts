import { expect } from 'chai';
import { formatTimings, PhaseClock } from '../timings.ts';

describe('grading timings (--timings)', () => {
  it('gives time to the innermost phase under way, and the rest to the checks', () => {
    let now = 0;
    const clock = new PhaseClock(() => now);
    clock.enter('startMs');
    now = 1000;
    clock.leave('startMs');
    now = 1100; // a check's own work
    clock.enter(PhaseClock.kindOf('fixture:training')!);
    now = 1300;
    clock.enter(PhaseClock.kindOf('load:cnn.ts')!); // a fixture importing a file
    now = 1350;
    clock.leave('loadMs');
    now = 3350;
    clock.leave('trainMs');
    now = 3400;
    expect(clock.read()).to.deep.equal({ startMs: 1000, loadMs: 50, trainMs: 2200, checksMs: 150, totalMs: 3400 });
    expect(PhaseClock.kindOf('something else')).to.equal(undefined);
  });

  it('forgets the phases of a sandbox that was killed when the next check starts', () => {
    let now = 0;
    const clock = new PhaseClock(() => now);
    clock.enter('trainMs');
    now = 500;
    clock.reset();
    now = 700;
    expect(clock.read()).to.include({ trainMs: 500, checksMs: 200, totalMs: 700 });
  });

  it('prints seconds per lesson and a total row', () => {
    const timings = { startMs: 1000, loadMs: 100, trainMs: 2200, checksMs: 200, totalMs: 3400 };
    const text = formatTimings([{ id: '01-a', timings }, { id: '02-b', timings }], 7000);
    expect(text).to.match(/01-a\s+1\.0\s+0\.1\s+2\.2\s+0\.2\s+3\.4/);
    expect(text).to.match(/all lessons\s+2\.0\s+0\.2\s+4\.4\s+0\.4\s+6\.8/);
    expect(text).to.include('wall time, grader included: 7.0 s');
  });
});
