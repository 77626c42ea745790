// Gradescope: the results.json its autograder harness reads from
// /autograder/results/, as its autograder specification describes it: a
// top-level score (optional when the tests carry theirs), output and
// visibility, and one test per check with score, max_score, status, name,
// number, output and visibility.
import { z } from 'zod';
import type { Results } from '../results.ts';

const Visibility = z.enum(['hidden', 'after_due_date', 'after_published', 'visible']);
const Format = z.enum(['text', 'html', 'simple_format', 'md', 'ansi']);

/** The documented fields; anything else is refused, so a typo cannot slip through. */
export const GradescopeTestSchema = z.strictObject({
  score: z.number().optional(),
  max_score: z.number().optional(),
  status: z.enum(['passed', 'failed']).optional(),
  name: z.string().optional(),
  name_format: Format.optional(),
  number: z.string().optional(),
  output: z.string().optional(),
  output_format: Format.optional(),
  tags: z.array(z.string()).optional(),
  visibility: Visibility.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
});

export const GradescopeResultsSchema = z
  .strictObject({
    score: z.number().optional(),
    execution_time: z.number().optional(),
    output: z.string().optional(),
    output_format: Format.optional(),
    test_output_format: Format.optional(),
    test_name_format: Format.optional(),
    visibility: Visibility.optional(),
    stdout_visibility: Visibility.optional(),
    extra_data: z.record(z.string(), z.unknown()).optional(),
    tests: z.array(GradescopeTestSchema).optional(),
    leaderboard: z
      .array(z.strictObject({ name: z.string(), value: z.union([z.number(), z.string()]), order: z.enum(['asc', 'desc']).optional() }))
      .optional(),
  })
  .refine((doc) => doc.score !== undefined || (doc.tests ?? []).every((test) => test.score !== undefined), {
    message: 'a score is required at the top level or on every test',
  });
export type GradescopeResults = z.infer<typeof GradescopeResultsSchema>;

export function gradescopeResults(results: Results): GradescopeResults {
  const durationMs = results.lessons.flatMap((lesson) => lesson.checks).reduce((sum, check) => sum + check.durationMs, 0);
  return {
    score: results.points,
    execution_time: Math.round(durationMs / 1000),
    output: `Grading ${results.target}: ${results.points} / ${results.maxPoints} points (backend ${results.backend}, seed ${results.seed}).`,
    visibility: 'visible',
    // The grader's own log names file paths of the autograder image; students need only the tests.
    stdout_visibility: 'hidden',
    tests: results.lessons.flatMap((lesson, lessonIndex) =>
      lesson.checks.map((check, checkIndex) => ({
        score: check.points,
        max_score: check.maxPoints,
        status: check.status === 'pass' ? ('passed' as const) : ('failed' as const),
        name: `${lesson.id}: ${check.title}`,
        number: `${lessonIndex + 1}.${checkIndex + 1}`,
        output: check.status === 'error' ? `Error: ${check.message}` : check.message,
        tags: [lesson.id, check.id],
        visibility: 'visible' as const,
        extra_data: { figures: check.figures },
      })),
    ),
  };
}

/** `--format gradescope`: the results.json Gradescope reads. */
export function gradescopeReport(results: Results): string {
  return JSON.stringify(GradescopeResultsSchema.parse(gradescopeResults(results)), null, 2);
}
