// Classroom 50: the `result.json` (schema classroom50/result/v1) and the
// `release-body.md` its runner reads from the student's checkout after the
// assignment's autograder.py has run. The schema is written here from the
// contract (the schema file and the Advanced-Autograding page of
// foundation50/classroom50): the top level is closed, each test needs
// `test-name`, `passed`, `score` and `max-score` (whole numbers) and may carry
// more fields, which the runner and the gradebook keep.
//
// The submission's identity (classroom, assignment, owner, submit tag, links)
// comes from the variables the runner sets for the autograder; the runner
// checks it against the repository, so nothing here can credit another student.
import { z } from 'zod';
import type { LessonResult, Results } from '../results.ts';
import { UsageError } from '../target.ts';

const Timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/);
const Count = z.number().int().nonnegative();

export const Classroom50TestSchema = z.looseObject({
  'test-name': z.string().min(1),
  passed: z.boolean(),
  score: Count,
  'max-score': Count,
});

export const Classroom50ResultSchema = z
  .strictObject({
    schema: z.literal('classroom50/result/v1'),
    classroom: z.string().min(1),
    assignment: z.string().min(1),
    assignment_type: z.enum(['individual', 'group']),
    owner: z.string().min(1),
    submission: z.string().regex(/^submit\//),
    commit: z.string().min(1),
    release: z.string().min(1),
    review: z.string().min(1),
    datetime: Timestamp,
    graded_at: Timestamp.optional(),
    score: Count,
    'max-score': Count,
    tests: z.array(Classroom50TestSchema),
    submitted_by: z.strictObject({ username: z.string().min(1), id: z.number().int().nullable().optional() }).optional(),
  })
  .refine((doc) => doc.score <= doc['max-score'], { message: 'score is more than max-score' })
  .refine((doc) => doc.tests.every((test) => test.score <= test['max-score']), { message: 'a test scores more than its max-score' });
export type Classroom50Result = z.infer<typeof Classroom50ResultSchema>;

/** What the runner tells the autograder about the submission, from its environment. */
export interface Classroom50Identity {
  classroom: string;
  assignment: string;
  assignmentType: 'individual' | 'group';
  owner: string;
  submission: string;
  commitUrl: string;
  releaseUrl: string;
  reviewUrl: string;
  /** The graded commit's committer date: the submission instant, the same on every regrade. */
  submittedAt: Date;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The identity from the runner's variables; a usage error naming the ones that are missing. */
export function classroom50Identity(env: Env, submittedAt: Date): Classroom50Identity {
  const owner = env.OWNER || env.USERNAME;
  const missing = ['CLASSROOM', 'ASSIGNMENT', 'SUBMISSION_TAG', 'COMMIT_URL', 'RELEASE_URL'].filter((name) => !env[name]);
  if (!owner) missing.push('OWNER (or USERNAME)');
  if (missing.length) {
    throw new UsageError(
      `--format classroom50 needs the variables Classroom 50's runner sets for an autograder; missing: ${missing.join(', ')}`,
    );
  }
  return {
    classroom: env.CLASSROOM!,
    assignment: env.ASSIGNMENT!,
    assignmentType: env.ASSIGNMENT_TYPE === 'group' ? 'group' : 'individual',
    owner: owner!,
    submission: env.SUBMISSION_TAG!,
    commitUrl: env.COMMIT_URL!,
    releaseUrl: env.RELEASE_URL!,
    reviewUrl: env.REVIEW_URL || env.COMMIT_URL!,
    submittedAt,
  };
}

const utcSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Classroom 50 counts whole points. The course's points are whole today; should
 * a check ever be worth a fraction, every score is multiplied by the same power
 * of ten, so the proportions (and the grade) stay exactly the same.
 */
export function pointScale(results: Results): number {
  const values = results.lessons.flatMap((lesson) => lesson.checks.flatMap((check) => [check.points, check.maxPoints]));
  for (let scale = 1; scale <= 1000; scale *= 10) {
    if (values.every((value) => Math.abs(value * scale - Math.round(value * scale)) < 1e-9)) return scale;
  }
  return 1000;
}

export function classroom50Result(results: Results, identity: Classroom50Identity): Classroom50Result {
  const scale = pointScale(results);
  const tests = results.lessons.flatMap((lesson) =>
    lesson.checks.map((check) => ({
      'test-name': `${lesson.id}: ${check.title}`,
      passed: check.status === 'pass',
      score: Math.round(check.points * scale),
      'max-score': Math.round(check.maxPoints * scale),
      // Extra fields are kept by the runner and the gradebook.
      message: check.message,
      status: check.status,
      lesson: lesson.id,
      check: check.id,
    })),
  );
  return Classroom50ResultSchema.parse({
    schema: 'classroom50/result/v1',
    classroom: identity.classroom,
    assignment: identity.assignment,
    assignment_type: identity.assignmentType,
    owner: identity.owner,
    submission: identity.submission,
    commit: identity.commitUrl,
    release: identity.releaseUrl,
    review: identity.reviewUrl,
    datetime: utcSeconds(identity.submittedAt),
    graded_at: utcSeconds(results.gradedAt ? new Date(results.gradedAt) : new Date()),
    score: tests.reduce((sum, test) => sum + test.score, 0),
    'max-score': tests.reduce((sum, test) => sum + test['max-score'], 0),
    tests,
  });
}

/** Table cells cannot hold pipes or newlines. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const fixed = (value: number | null | undefined) => (value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3));

/** The loss curve as a table: a release body shows Markdown tables but runs no chart scripts. */
function curveTable(lesson: LessonResult): string[] {
  const curve = lesson.curve!;
  const n = curve.student.length;
  const rows = curve.student.map((value, i) => {
    const outside = value === null || !Number.isFinite(value) || value < curve.referenceLow[i]! || value > curve.referenceHigh[i]!;
    const percent = n <= 1 ? 0 : Math.round((100 * i) / (n - 1));
    return `| ${percent}% | ${fixed(value)}${outside ? ' ⚠' : ''} | ${fixed(curve.referenceLow[i])} – ${fixed(curve.referenceHigh[i])} | ${fixed(curve.referenceMedian[i])} |`;
  });
  return [
    '<details><summary>Loss over training: yours against the reference band (⚠ outside it)</summary>',
    '',
    '| training done | your loss | reference band | reference median |',
    '| ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '</details>',
  ];
}

/** The release body: points per lesson, the failing checks with their messages, the loss curves. */
export function classroom50ReleaseBody(results: Results): string {
  const failing = results.lessons.flatMap((lesson) => lesson.checks.filter((check) => check.status !== 'pass').map((check) => ({ lesson, check })));
  const lines = [
    `### ${results.points} / ${results.maxPoints} points`,
    '',
    failing.length ? `${failing.length} check${failing.length === 1 ? '' : 's'} not passing yet; \`npm run grade\` shows the same on your machine.` : 'Every check passes.',
    '',
    '| lesson | points |',
    '| --- | ---: |',
    ...results.lessons.map((lesson) => `| ${cell(`${lesson.id}: ${lesson.title}`)} | ${lesson.points} / ${lesson.maxPoints} |`),
  ];
  if (failing.length) {
    lines.push('', '#### Not passing yet', '');
    for (const { lesson, check } of failing) {
      lines.push(`- **${cell(lesson.id)}: ${cell(check.title)}** (0 / ${check.maxPoints}): ${check.message.replace(/\r?\n/g, ' ')}`);
    }
  }
  for (const lesson of results.lessons.filter((candidate) => candidate.curve)) {
    lines.push('', `#### ${lesson.id}`, '', ...curveTable(lesson));
  }
  lines.push('', `Graded with backend ${results.backend}, seed ${results.seed}${results.grader ? `, grader ${results.grader.version}${results.grader.commit ? ` (${results.grader.commit.slice(0, 7)})` : ''}` : ''}.`);
  return lines.join('\n') + '\n';
}
