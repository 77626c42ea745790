import { expect } from 'chai';
import { bucketMeans, referenceBand } from '../curves.ts';
import type { Reference } from '../reference.ts';

describe('loss curves', () => {
  it('averages a run into slices of training, whatever its length', () => {
    expect(bucketMeans([4, 2, 3, 1], 2)).to.deep.equal([3, 2]);
    expect(bucketMeans([1, 2], 4)).to.deep.equal([null, 1, null, 2]);
    expect(bucketMeans([1, NaN, 3, 3], 2)).to.deep.equal([null, 3]);
  });

  it('builds a band from the calibration runs, widened by the margins', () => {
    const reference: Reference = {
      lesson: 'x',
      backend: 'cpu',
      runs: [
        { seed: 1, losses: [2, 1], metrics: {} },
        { seed: 2, losses: [3, 2], metrics: {} },
        { seed: 3, losses: [4, 3], metrics: {} },
      ],
    };
    const band = referenceBand(reference, { relativeMargin: 0.5, absoluteMargin: 0.1 }, 2);
    expect(band.median).to.deep.equal([3, 2]);
    expect(band.low.map((v) => Math.round(v * 10) / 10)).to.deep.equal([0.4, 0]);
    expect(band.high.map((v) => Math.round(v * 10) / 10)).to.deep.equal([5.6, 4.1]);
  });
});
