// npm run mutants -- [--set catalog|dev|frozen|all] [--lesson ID...] [--jobs N] [--markdown] [--summary] [--save FILE] [--from FILE...]
// npm run mutants -- --alternates [--seeds 0-9] [--lesson ID...] [--json FILE] [--solution-only] [--save FILE] [--from FILE...]
// Plants each bug alone in solutions/, grades it, and prints whether it was
// caught, by which checks, and whether the diagnosis named its category first
// (top-1) or among its first three (top-3). The catalog and the development
// set are what the diagnosis is tuned on; the frozen set is kept apart to
// measure it honestly (--summary prints its figures without the bug-by-bug table).
// With --alternates: grades the solution and each correct alternate on every
// seed, and prints which seeds each passed and the false-fail rate.
// --save writes every graded result as it comes; --from reads such files back
// (several are merged) and grades only what they lack, so a long run can be
// resumed and runs made in parallel can be printed as one.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { BUG_SETS, type Bug, type BugSetName } from '../catalog.ts';
import { diagnose } from '../diagnosis.ts';
import { gradeMutant } from '../mutants.ts';
import { inParallel } from '../parallel.ts';
import { LessonResultSchema, type LessonResult } from '../results.ts';
import { runAlternates } from './alternates-report.ts';
import { runCli } from './run-cli.ts';

const program = new Command('mutants')
  .description('Grade every planted bug alone and report the catch rate and the diagnosis rate.')
  .addOption(new Option('--set <name>', 'which bugs: the catalog, the development set, the frozen set, or all three').choices(['catalog', 'dev', 'frozen', 'all']).default('catalog'))
  .option('-l, --lesson <id...>', 'only the bugs of these lessons')
  .option('-j, --jobs <n>', 'bugs graded at once', (value) => Number(value), availableParallelism())
  .option('--markdown', 'print the table as markdown (for the README)')
  .option('--summary', 'print only the caught, top-1 and top-3 figures of each set, not the bug-by-bug table')
  .option('--save <file>', 'also write every graded lesson result to this JSON file, as it is graded')
  .option('--from <file...>', 'reuse the results saved by --save (several files are merged); grade only what they lack')
  .option('--only-saved', 'with --from: print what the files hold and grade nothing (e.g. while a run is still going)')
  .option('--alternates', 'grade the solution and the correct alternates instead of the bugs')
  .option('--seeds <range>', 'with --alternates: seeds to grade on, e.g. 0-9 or 0,3,5', '0-9')
  .option('--json <file>', 'with --alternates: also write every outcome to this file')
  .option('--solution-only', 'with --alternates: grade only the unmodified solutions (e.g. on --seeds 0-19)')
  .exitOverride();

interface Options {
  set: BugSetName | 'all';
  lesson?: string[];
  jobs: number;
  markdown?: boolean;
  summary?: boolean;
  save?: string;
  from?: string[];
  onlySaved?: boolean;
  alternates?: boolean;
  seeds: string;
  json?: string;
  solutionOnly?: boolean;
}

const SET_NAMES = Object.keys(BUG_SETS) as BugSetName[];
const SET_TITLES: Record<BugSetName, string> = { catalog: 'catalog', dev: 'development set', frozen: 'frozen set' };

interface Graded {
  set: BugSetName;
  bug: Bug;
  lesson: LessonResult;
}

interface Row {
  set: string;
  bug: string;
  caughtBy: string;
  topDiagnosis: string;
  /** 1-based rank of the bug's category in the diagnosis, 0 when it is not among the causes. */
  rank: number;
}

function row({ set, bug, lesson }: Graded): Row {
  const failing = lesson.checks.filter((check) => check.status !== 'pass').map((check) => check.id);
  const causes = diagnose(lesson).causes.map((cause) => cause.category);
  return { set, bug: bug.id, caughtBy: failing.join(', ') || 'NOT CAUGHT', topDiagnosis: causes[0] ?? '(none)', rank: causes.indexOf(bug.category) + 1 };
}

const pct = (n: number, of: number) => `${n}/${of} (${((100 * n) / Math.max(of, 1)).toFixed(0)}%)`;

/** Top-1 and top-3 accuracy of the diagnosis over the caught bugs of `rows`, overall and per lesson. */
function accuracyLines(name: string, rows: Row[], lessonOf: (bug: string) => string): string[] {
  const lines: string[] = [];
  const describe = (label: string, subset: Row[]) => {
    const caught = subset.filter((r) => r.caughtBy !== 'NOT CAUGHT');
    const top1 = subset.filter((r) => r.rank === 1).length;
    const top3 = subset.filter((r) => r.rank >= 1 && r.rank <= 3).length;
    lines.push(`${label}: caught ${pct(caught.length, subset.length)}; top-1 ${pct(top1, subset.length)}; top-3 ${pct(top3, subset.length)}`);
  };
  describe(`${name}`, rows);
  for (const lesson of [...new Set(rows.map((r) => lessonOf(r.bug)))].sort()) {
    describe(`  ${lesson}`, rows.filter((r) => lessonOf(r.bug) === lesson));
  }
  return lines;
}

async function gradeAll(options: Options): Promise<Graded[]> {
  const sets: Graded['set'][] = options.set === 'all' ? SET_NAMES : [options.set];
  const bugs: { set: Graded['set']; bug: Bug }[] = [];
  for (const set of sets) {
    for (const bug of await BUG_SETS[set]()) bugs.push({ set, bug });
  }
  const saved = options.from ? await loadSaved(options.from, options) : [];
  const key = (set: string, bug: string) => `${set}/${bug}`;
  const have = new Map(saved.map((graded) => [key(graded.set, graded.bug.id), graded]));
  const chosen = bugs.filter(({ bug }) => !options.lesson || options.lesson.includes(bug.lesson));
  const done: Graded[] = chosen.map(({ set, bug }) => have.get(key(set, bug.id))).filter((graded) => graded !== undefined);
  if (options.onlySaved) return done;
  if (done.length) console.error(`${done.length} results read from ${options.from!.join(', ')}; ${chosen.length - done.length} to grade`);
  return inParallel(chosen, Math.max(1, options.jobs), async ({ set, bug }) => {
    const known = have.get(key(set, bug.id));
    if (known) return known;
    const { lesson } = await gradeMutant(bug);
    console.error(`graded ${bug.id}`);
    // A long run keeps what it has graded so far: --from can diagnose it before the run ends.
    done.push({ set, bug, lesson });
    if (options.save) save(options.save, done);
    return { set, bug, lesson };
  });
}

function save(file: string, graded: Graded[]): void {
  writeFileSync(file, JSON.stringify(graded.map(({ set, bug, lesson }) => ({ set, bug: bug.id, lesson }))));
}

/** Saved results are diagnosed with today's diagnosis; the bugs are read from today's catalogs. */
async function loadSaved(files: string[], options: Options): Promise<Graded[]> {
  const saved = files.flatMap((file) => JSON.parse(readFileSync(file, 'utf8')) as { set: Graded['set']; bug: string; lesson: unknown }[]);
  const bugs = new Map((await Promise.all(SET_NAMES.map((set) => BUG_SETS[set]()))).flat().map((bug) => [bug.id, bug]));
  return saved
    .filter(({ set }) => options.set === 'all' || set === options.set)
    .map(({ set, bug, lesson }) => ({ set, bug: bugs.get(bug)!, lesson: LessonResultSchema.parse(lesson) }))
    .filter(({ bug }) => bug && (!options.lesson || options.lesson.includes(bug.lesson)));
}

await runCli(async () => {
  program.parse();
  const options = program.opts<Options>();
  if (options.alternates) return runAlternates(options);
  const graded = await gradeAll(options);
  if (options.save) save(options.save, graded);
  const rows = graded.map(row);
  if (options.summary) {
    // No bug-by-bug table: what a measurement of the frozen set may show without tuning on it.
  } else if (options.markdown) {
    console.log('| bug | caught by | top diagnosis | right category? |\n| --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.bug} | ${r.caughtBy} | ${r.topDiagnosis} | ${r.rank === 1 ? 'yes' : r.rank ? `no (#${r.rank})` : 'no'} |`);
  } else {
    console.table(rows);
  }
  const lessonOf = new Map(graded.map(({ bug }) => [bug.id, bug.lesson]));
  for (const set of SET_NAMES) {
    const subset = rows.filter((r) => r.set === set);
    if (subset.length) console.log(accuracyLines(SET_TITLES[set], subset, (bug) => lessonOf.get(bug)!).join('\n'));
  }
  const catalog = graded.filter(({ set }) => set === 'catalog');
  const missed = catalog
    .map(({ bug, lesson }) => ({ bug, missedBy: bug.catches.filter((id) => lesson.checks.find((check) => check.id === id)?.status === 'pass') }))
    .filter(({ missedBy }) => missedBy.length);
  for (const { bug, missedBy } of missed) console.log(`missed: ${bug.id} passed ${missedBy.join(', ')}`);
  // Only the catalog's bugs must be caught, by the checks it names; the frozen set is measured, not required.
  const uncaught = rows.filter((r) => r.set === 'catalog' && r.caughtBy === 'NOT CAUGHT');
  return uncaught.length === 0 && missed.length === 0 ? 0 : 1;
});
