// npm run mutants -- [--lesson ID...] [--jobs N] [--markdown]
// npm run mutants -- --alternates [--seeds 0-9] [--lesson ID...] [--json FILE] [--solution-only]
// Plants each catalogued bug alone in solutions/, grades it, and prints whether
// it was caught, by which checks, and whether the diagnosis named its category.
// With --alternates: grades the solution and each correct alternate on every
// seed, and prints which seeds each passed and the false-fail rate.
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { loadCatalog } from '../catalog.ts';
import { diagnose } from '../diagnosis.ts';
import { gradeMutant, inParallel, type MutantOutcome } from '../mutants.ts';
import { runAlternates } from './alternates-report.ts';
import { runCli } from './run-cli.ts';

const program = new Command('mutants')
  .description('Grade every planted bug alone and report the catch rate and the diagnosis rate.')
  .option('-l, --lesson <id...>', 'only the bugs of these lessons')
  .option('-j, --jobs <n>', 'bugs graded at once', (value) => Number(value), availableParallelism())
  .option('--markdown', 'print the table as markdown (for the README)')
  .option('--alternates', 'grade the solution and the correct alternates instead of the bugs')
  .option('--seeds <range>', 'with --alternates: seeds to grade on, e.g. 0-9 or 0,3,5', '0-9')
  .option('--json <file>', 'with --alternates: also write every outcome to this file')
  .option('--solution-only', 'with --alternates: grade only the unmodified solutions (e.g. on --seeds 0-19)')
  .exitOverride();

interface Row {
  bug: string;
  caughtBy: string;
  topDiagnosis: string;
  rightCategory: boolean;
}

function row({ bug, lesson }: MutantOutcome): Row {
  const failing = lesson.checks.filter((check) => check.status !== 'pass').map((check) => check.id);
  const top = diagnose(lesson).causes[0]?.category ?? '(none)';
  return { bug: bug.id, caughtBy: failing.join(', ') || 'NOT CAUGHT', topDiagnosis: top, rightCategory: top === bug.category };
}

await runCli(async () => {
  program.parse();
  const options = program.opts<{ lesson?: string[]; jobs: number; markdown?: boolean; alternates?: boolean; seeds: string; json?: string; solutionOnly?: boolean }>();
  if (options.alternates) return runAlternates(options);
  const catalog = (await loadCatalog()).filter((bug) => !options.lesson || options.lesson.includes(bug.lesson));
  const outcomes = await inParallel(catalog, Math.max(1, options.jobs), async (bug) => {
    const outcome = await gradeMutant(bug);
    console.error(`graded ${bug.id}`);
    return outcome;
  });
  const rows = outcomes.map(row);
  const caught = outcomes.filter((outcome) => outcome.lesson.checks.some((check) => check.status !== 'pass'));
  const complete = outcomes.filter((outcome) => outcome.missedBy.length === 0);
  const diagnosed = rows.filter((r) => r.rightCategory);
  if (options.markdown) {
    console.log('| bug | caught by | top diagnosis | right category? |\n| --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.bug} | ${r.caughtBy} | ${r.topDiagnosis} | ${r.rightCategory ? 'yes' : 'no'} |`);
  } else {
    console.table(rows);
  }
  const pct = (n: number) => `${((100 * n) / Math.max(rows.length, 1)).toFixed(0)}%`;
  console.log(`caught: ${caught.length}/${rows.length} (${pct(caught.length)})`);
  console.log(`caught by every check the catalog names: ${complete.length}/${rows.length} (${pct(complete.length)})`);
  console.log(`top diagnosis names the bug's category: ${diagnosed.length}/${rows.length} (${pct(diagnosed.length)})`);
  for (const outcome of outcomes.filter((o) => o.missedBy.length)) {
    console.log(`missed: ${outcome.bug.id} passed ${outcome.missedBy.join(', ')}`);
  }
  return caught.length === rows.length && complete.length === rows.length ? 0 : 1;
});
