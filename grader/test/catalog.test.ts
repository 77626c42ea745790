import { expect } from 'chai';
import { loadAlternates, loadCatalog, plantBug, type Bug } from '../catalog.ts';
import { lessonWithBugs } from '../variants/generate.ts';
import { loadLesson } from '../registry.ts';

const bug = (find: string, replace: string): Bug => ({
  id: 'example',
  lesson: 'x',
  file: 'x.ts',
  title: 't',
  category: 'api',
  symptom: 's',
  catches: ['c'],
  hint: 'h',
  patch: { find, replace },
});

describe('bug catalog', () => {
  it('plants a patch whose text occurs exactly once', () => {
    expect(plantBug('a b c', bug('b', 'B'))).to.equal('a B c');
    expect(() => plantBug('a b c', bug('z', 'Z'))).to.throw('is not in x/x.ts');
    expect(() => plantBug('b b', bug('b', 'B'))).to.throw('occurs more than once');
  });

  it('is valid, with unique ids, and names only checks its lesson has', async () => {
    const catalog = await loadCatalog();
    expect(catalog.length).to.be.greaterThan(0);
    for (const entry of catalog) {
      const lesson = await loadLesson(entry.lesson);
      const ids = lesson.checks.map((check) => check.id);
      for (const check of entry.catches) expect(ids, `bug ${entry.id}`).to.include(check);
      expect(lesson.files, `bug ${entry.id}`).to.include(entry.file);
    }
  });

  it('has correct alternates: at least 10 for 03-cnn and 5 for each other lesson, each patch planting once', async () => {
    const alternates = await loadAlternates();
    for (const lesson of ['01-linear-regression', '02-logistic-regression', '03-cnn', '04-backprop', '05-transformer']) {
      const correct = alternates.filter((entry) => entry.lesson === lesson && entry.fails.length === 0);
      expect(correct.length, lesson).to.be.at.least(lesson === '03-cnn' ? 10 : 5);
    }
    for (const entry of alternates) {
      const lesson = await loadLesson(entry.lesson);
      for (const check of entry.fails) expect(lesson.checks.map((c) => c.id), `alternate ${entry.id}`).to.include(check);
      const planted = lessonWithBugs(entry.lesson, [entry]).get(entry.file);
      expect(planted, `alternate ${entry.id}`).to.be.a('string');
    }
  });
});
