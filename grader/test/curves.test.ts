import { expect } from 'chai';
import { bucketMeans, referenceBand } from '../curves.ts';
import type { Reference } from '../reference.ts';

describe('loss curves', () => {
  it('averages a run into slices of training, whatever its length', () => {
    expect(bucketMeans([4, 2, 3, 1], 2)).to.deep.equal([3, 2]);
    expect(bucketMeans([1, 2], 4)).to.deep.equal([null, 1, null, 2]);
    expect(bucketMeans([1, NaN, 3, 3], 2)).to.deep.equal([null, 3]);
  });

  it('builds a band from the calibration runs: lowest, median and highest slice means', () => {
    const reference: Reference = {
      lesson: 'x',
      backend: 'cpu',
      runs: [
        { seed: 1, losses: [2, 1], metrics: {} },
        { seed: 2, losses: [3, 2], metrics: {} },
        { seed: 3, losses: [4, 3], metrics: {} },
      ],
    };
    const band = referenceBand(reference, 2);
    expect(band.median).to.deep.equal([3, 2]);
    expect(band.low).to.deep.equal([2, 1]);
    expect(band.high).to.deep.equal([4, 3]);
  });
});
