import { expect } from 'chai';
import { normalQuantile, toleranceBound, toleranceFactor } from '../tolerance.ts';

describe('pass marks from data', () => {
  it('computes normal quantiles', () => {
    expect(normalQuantile(0.5)).to.be.closeTo(0, 1e-9);
    expect(normalQuantile(0.99)).to.be.closeTo(2.326348, 1e-5);
    expect(normalQuantile(0.001)).to.be.closeTo(-3.090232, 1e-5);
  });

  it('gives the one-sided 99%/95% tolerance factors of the NIST tables', () => {
    // Exact factors: 3.981 for 10 samples, 3.295 for 20, 2.862 for 50; Natrella's approximation is within 2%.
    expect(toleranceFactor(10)).to.be.closeTo(3.981, 0.08);
    expect(toleranceFactor(20)).to.be.closeTo(3.295, 0.05);
    expect(toleranceFactor(50)).to.be.closeTo(2.862, 0.03);
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
