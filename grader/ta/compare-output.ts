// What `ta compare` leaves in its output folder, and how `ta merge` reads it
// back: compare.html, compare.csv, results/<name>.json, and submissions.json,
// the whole of every submission's report with its place in the list. A shard
// writes the same folder for its slice; merging the shards' submissions.json
// and writing the folder again gives what one machine would have written.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ResultsSchema } from '../results.ts';
import { compareCsv, compareHtml } from './compare-report.ts';
import { shardPlaces, type Shard } from './shard.ts';
import type { SubmissionReport } from './submission.ts';

const SubmissionReportSchema = z.object({
  name: z.string(),
  source: z.string(),
  results: ResultsSchema.optional(),
  error: z.string().optional(),
  tampering: z.array(z.string()),
  tamperingSummary: z.record(z.string(), z.string()).optional(),
  files: z.array(z.object({ path: z.string(), diff: z.string(), missing: z.boolean().optional() })),
  durationMs: z.number().nonnegative(),
});

export const CompareOutputSchema = z.object({
  format: z.literal('ta-compare/v1'),
  title: z.string(),
  /** How many submissions the whole list has, whichever slice this is. */
  total: z.number().int().nonnegative(),
  /** The slice graded here; absent for an unsharded run or a merge. */
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).optional(),
  submissions: z.array(z.object({ place: z.number().int().nonnegative(), report: SubmissionReportSchema })),
});
export type CompareOutput = z.infer<typeof CompareOutputSchema>;

export const SUBMISSIONS_FILE = 'submissions.json';

/** The output of grading a list, or the slice of it that `shard` names (reports in the slice's order). */
export function compareOutputOf(total: number, reports: readonly SubmissionReport[], title: string, shard?: Shard): CompareOutput {
  const places = shard ? shardPlaces(total, shard) : Array.from({ length: total }, (_, place) => place);
  return { format: 'ta-compare/v1', title, total, shard, submissions: reports.map((report, i) => ({ place: places[i]!, report })) };
}

/** Writes the report folder; returns the path of its HTML report. */
export function writeCompareOutput(out: string, output: CompareOutput): string {
  const reports: SubmissionReport[] = output.submissions.map((entry) => entry.report);
  mkdirSync(join(out, 'results'), { recursive: true });
  for (const report of reports) {
    if (report.results) writeFileSync(join(out, 'results', `${report.name}.json`), JSON.stringify(report.results, null, 2) + '\n');
  }
  writeFileSync(join(out, SUBMISSIONS_FILE), JSON.stringify(output, null, 2) + '\n');
  writeFileSync(join(out, 'compare.html'), compareHtml(reports, output.title));
  writeFileSync(join(out, 'compare.csv'), compareCsv(reports));
  return join(out, 'compare.html');
}

export function readCompareOutput(dir: string): CompareOutput {
  const file = join(dir, SUBMISSIONS_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file} (is ${dir} the output folder of ta compare?): ${(error as Error).message}`);
  }
  const parsed = CompareOutputSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not what ta compare writes: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
