import { expect } from 'chai';
import { parseResults, sumPoints } from '../results.ts';

describe('results document', () => {
  it('sums points without float noise', () => {
    expect(sumPoints([{ points: 0.1, maxPoints: 1 }, { points: 0.2, maxPoints: 2 }])).to.deep.equal({ points: 0.3, maxPoints: 3 });
  });

  it('rejects text that is not a results document, saying why', () => {
    expect(() => parseResults('{', 'a.json')).to.throw('a.json is not JSON');
    expect(() => parseResults('{"schemaVersion": 1}', 'b.json')).to.throw('b.json is not a grading results document');
  });
});
