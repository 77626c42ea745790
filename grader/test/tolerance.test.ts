import { expect } from 'chai';
import { toleranceBound, unimodalFactor } from '../tolerance.ts';

describe('pass marks from data', () => {
  it('puts the mark where the Vysochanskij–Petunin inequality allows 1% of a unimodal distribution', () => {
    const k = unimodalFactor(0.01);
    expect(k).to.be.closeTo(6.59, 0.01);
    expect(4 / (9 * (1 + k * k))).to.be.closeTo(0.01, 1e-12);
    expect(() => unimodalFactor(0.5)).to.throw('too large');
  });

  it('puts upper marks above and lower marks below the data, by k standard deviations plus the resolution', () => {
    const values = [1, 2, 3, 4, 5];
    const upper = toleranceBound(values, 'upper', 0.1);
    const lower = toleranceBound(values, 'lower', 0.1);
    expect(upper.mean).to.equal(3);
    expect(upper.sd).to.be.closeTo(Math.sqrt(2.5), 1e-12);
    expect(upper.value).to.be.closeTo(3 + upper.k * upper.sd + 0.1, 1e-12);
    expect(lower.value).to.be.closeTo(3 - lower.k * lower.sd - 0.1, 1e-12);
    expect(toleranceBound([7, 7, 7], 'lower', 0.01).value).to.be.closeTo(6.99, 1e-12);
  });
});
