// What the grader says when student code breaks the rules or the machine's
// limits: a clear line on the check, never the grader's own stack trace.
import { readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { grade } from '../../grade.ts';
import { repoDir } from '../../registry.ts';
import type { LessonResult } from '../../results.ts';
import { file, lesson, writeTarget } from './targets.ts';

const checks = ['bias-column', 'mse-loss'];
const solved = readFileSync(join(repoDir, 'solutions', lesson, file), 'utf8');

async function gradeFile(name: string, text: string, memoryLimitMb?: number): Promise<LessonResult> {
  const dir = writeTarget(`message-${name}`, text);
  try {
    return (await grade({ targetDir: dir, targetName: name, lessons: [lesson], checks, memoryLimitMb })).lessons[0]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('clear messages for student code that breaks the rules', function () {
  it('a student file that modifies a frozen intrinsic fails to load, saying what it assigned', async () => {
    const result = await gradeFile('frozen', `${solved}\nArray.prototype.every = () => true;\n`);
    for (const check of result.checks) {
      expect(check.status, check.id).to.equal('error');
      expect(check.message, check.id).to.match(/read only property 'every'/);
      expect(check.message, check.id).to.match(/linear-regression\.ts:\d+/);
    }
  });

  it('memory beyond the limit, in Buffers the heap limit does not count, is "used more than N MB"', async () => {
    const hog = `\nconst hog: Buffer[] = [];\nfor (;;) { hog.push(Buffer.alloc(20e6, 1)); await new Promise((done) => setTimeout(done, 5)); }\n`;
    const result = await gradeFile('memory', `${solved}${hog}`, 300);
    expect(result.checks[0]!.status).to.equal('error');
    expect(result.checks[0]!.message).to.match(/^importing linear-regression\.ts|the lesson used more than 300 MB of memory/);
    expect(result.checks.map((check) => check.message).join('\n')).to.include('the lesson used more than 300 MB of memory');
  });

  it('quotes only the last 2 KB of what the student printed before the process ended', async () => {
    const result = await gradeFile('stderr', `${solved}\nprocess.stderr.write('noise '.repeat(25_000) + 'THE END\\n');\nprocess.exit(3);\n`);
    const message = result.checks[0]!.message;
    expect(message).to.include('exited with code 3');
    expect(message).to.include('THE END');
    expect(message.length).to.be.lessThan(2300);
  });

  it('notes an unhandled rejection beside the check that was running, and grades on', async () => {
    const result = await gradeFile('rejection', `${solved}\nPromise.reject(new Error('a promise nobody awaited'));\n`);
    expect(result.checks[0]!.message).to.include('an error nobody caught: a promise nobody awaited');
    expect(result.checks.map((check) => check.status)).to.deep.equal(['pass', 'pass']);
  });

  it('a lesson file that is a symbolic link to the solution is not read', async () => {
    const dir = writeTarget('message-symlink', '');
    const link = join(dir, lesson, file);
    unlinkSync(link);
    symlinkSync(join(repoDir, 'solutions', lesson, file), link);
    try {
      const result = (await grade({ targetDir: dir, targetName: 'symlink', lessons: [lesson], checks })).lessons[0]!;
      expect(result.points).to.equal(0);
      expect(result.checks[0]!.message).to.match(/restricted|ERR_ACCESS_DENIED|denied/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
