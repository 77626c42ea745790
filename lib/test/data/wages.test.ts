import { expect } from 'chai';
import { loadCps1985Wages, parseWagesCsv } from '../../data/wages.ts';

const header = 'wage,education,experience,age,ethnicity,region,gender,occupation,sector,union,married';

describe('CPS 1985 wages data', () => {
  it('loads all 534 workers of the committed file, checksum verified', () => {
    const workers = loadCps1985Wages();
    expect(workers).to.have.length(534);
    expect(workers.every((w) => w.wage > 0 && w.education >= 0 && w.experience >= 0)).to.equal(true);
  });

  it('parses a small file it writes itself', () => {
    const [worker] = parseWagesCsv(`${header}\n5.1,8,21,35,hispanic,other,female,worker,manufacturing,no,yes\n`);
    expect(worker).to.deep.include({ wage: 5.1, education: 8, experience: 21, age: 35, union: false, married: true });
  });

  it('names the line and column of a bad value, a short line or a wrong header', () => {
    expect(() => parseWagesCsv(`${header}\nx,8,21,35,cauc,other,male,worker,other,no,no`)).to.throw('line 2: wage is not a number: "x"');
    expect(() => parseWagesCsv(`${header}\n5.1,8,21`)).to.throw('line 2: 3 cells, expected 11');
    expect(() => parseWagesCsv('wage,age\n1,2')).to.throw('expected the columns');
  });
});
