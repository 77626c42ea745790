import { expect } from 'chai';
import { loadCatalog, plantBug, type Bug } from '../catalog.ts';
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
});
