import { expect } from 'chai';
import { loadAlternates, loadCatalog, loadDevSet, loadFrozenSet, plantBug, type Bug } from '../catalog.ts';
import { lessonWithBugs } from '../variants/generate.ts';
import { lessonIds, loadLesson } from '../registry.ts';

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

  it('has a development set of unseen bugs: at least 6 per lesson, ids unique across every set, each patch planting once', async () => {
    const dev = await loadDevSet();
    for (const lesson of lessonIds()) {
      expect(dev.filter((entry) => entry.lesson === lesson).length, lesson).to.be.at.least(6);
    }
    const ids = [...(await loadCatalog()), ...dev, ...(await loadFrozenSet())].map((entry) => entry.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const entry of dev) {
      const lesson = await loadLesson(entry.lesson);
      for (const check of entry.catches) expect(lesson.checks.map((c) => c.id), `dev bug ${entry.id}`).to.include(check);
      expect(lessonWithBugs(entry.lesson, [entry]).get(entry.file), `dev bug ${entry.id}`).to.be.a('string');
    }
  });

  it('keeps every patch of the frozen set planting once, so that a change of the solutions cannot drop one unseen', async () => {
    for (const entry of await loadFrozenSet()) {
      expect(lessonWithBugs(entry.lesson, [entry]).get(entry.file), `frozen bug ${entry.id}`).to.be.a('string');
    }
  });

  it('has correct alternates: at least 5 for every lesson (10 for 03-cnn), each patch planting once', async () => {
    const alternates = await loadAlternates();
    for (const lesson of lessonIds()) {
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
