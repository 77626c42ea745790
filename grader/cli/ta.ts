// npm run ta -- <command>: the TA's tools. Grade a submission with the trusted
// grader, compare many into one report, render saved results, and publish the
// course as branches, as a Classroom 50 assignment, or as a Gradescope autograder.
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_SEED, parseSeed } from '../grading-seed.ts';
import { REPORTER_NAMES, type ReporterName } from '../reporters/names.ts';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_MS } from '../ta/limits.ts';
import { parseShard, readSubmissionList, type Shard } from '../ta/shard.ts';
import { UsageError } from '../usage-error.ts';
import { runCli } from './run-cli.ts';

// Each command imports what it needs when it runs: zod, git, the reporters
// and the grader cost about half a second of processor time to load, which
// `ta --help`, or `ta report` and `ta merge` (which the tests spawn), need not
// pay for what `ta compare` uses.
function positiveNumber(name: string) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${name} must be a positive number, not "${value}"`);
    return number;
  };
}

async function checkLessons(lessons: string[] | undefined): Promise<string[] | undefined> {
  const { lessonIds } = await import('../registry.ts');
  const known = lessonIds();
  for (const lesson of lessons ?? []) {
    if (!known.includes(lesson)) throw new UsageError(`unknown lesson "${lesson}"; known lessons: ${known.join(', ')}`);
  }
  return lessons;
}

const program = new Command('ta')
  .description("A TA's tools: grade submissions from git with the course's own grader, compare them, publish the course.")
  .exitOverride()
  .showHelpAfterError();

const lessonOption = () => new Option('-l, --lesson <id...>', 'grade only these lessons (e.g. 03-cnn)');
const checkOption = () => new Option('--check <id...>', 'run only these checks (and the runs they need)');
const variantOption = () =>
  new Option('--variant <name...>', "grade only these folders of the submission (default: each it has)").choices(['exercise', 'bugs']);
const keepOption = () => new Option('--keep', 'keep the graded copy of each submission in .cache/submissions/ (removed by default)');
const seedOption = () => new Option('--seed <n>', 'grading seed').argParser(parseSeed).default(DEFAULT_SEED);

program
  .command('grade')
  .description(
    'Grade one submission: a branch or commit of this repository, a local repository or URL with an optional #ref, or a folder. ' +
      "Only the student lesson files are taken from it; the grader, data and references are this repository's. " +
      'Files it changed elsewhere are listed as possible tampering.',
  )
  .argument('<submission>', 'e.g. student/alice, 1a2b3c4, ../alice-repo#main, https://example.org/alice.git#submit')
  .addOption(lessonOption())
  .addOption(checkOption())
  .addOption(variantOption())
  .addOption(seedOption())
  .addOption(new Option('-f, --format <name>', 'how to print the results').choices(REPORTER_NAMES).default('terminal'))
  .option('--json <file>', 'also write the results document to this file')
  .option('-o, --out <file>', 'write the report to this file instead of standard output')
  .addOption(keepOption())
  .exitOverride()
  .action(async (spec: string, options: { lesson?: string[]; check?: string[]; variant?: ('exercise' | 'bugs')[]; seed: number; format: ReporterName; json?: string; out?: string; keep?: boolean }) => {
    const { checkFormat, checkOutputs, saveResults, writeResults } = await import('./output.ts');
    const { gradeSubmission } = await import('../ta/submission.ts');
    const { exitCodeFor } = await import('../grade.ts');
    checkFormat(options.format);
    checkOutputs(options);
    const report = await gradeSubmission(spec, {
      lessons: await checkLessons(options.lesson),
      checks: options.check,
      variants: options.variant,
      seed: options.seed,
      onProgress: (line) => console.error(line),
      onPartial: (partial) => saveResults(partial, options),
      keep: options.keep,
    });
    const results = report.results!;
    writeResults(results, options);
    if (report.tampering.length) {
      console.error(`\nFiles changed outside the student lesson files (possible tampering; graded with the trusted grader anyway):`);
      for (const path of report.tampering) console.error(`  ${path}  (${report.tamperingSummary?.[path] ?? 'changed'})`);
    }
    process.exitCode = exitCodeFor(results);
  });

program
  .command('compare')
  .description(
    'Grade many submissions in parallel worker processes (each under a time and memory limit) and write one HTML report ' +
      '(points per check, loss curves, metrics against the reference, diffs against the solution) and a CSV. ' +
      "Results files (or folders of them, e.g. a student's Actions artifact) are read instead of graded.",
  )
  .argument('[submissions...]', 'refs, repository paths or URLs with #ref, folders, or results .json files')
  .option('-b, --branches <glob>', "also every local branch matching this glob, e.g. 'student/*'")
  .option('--list <file>', 'also every submission listed in this file, one a line (# starts a comment)')
  .option('--shard <K/N>', 'grade only the K-th of N slices of the list (every N-th submission from the K-th); combine the slices with ta merge', parseShard)
  .addOption(lessonOption())
  .addOption(checkOption())
  .addOption(variantOption())
  .addOption(seedOption())
  .option('-j, --jobs <n>', 'worker processes at once', positiveNumber('--jobs'), availableParallelism())
  .option('--time-limit <seconds>', 'per submission', positiveNumber('--time-limit'), DEFAULT_TIME_LIMIT_MS / 1000)
  .option('--memory-limit <mb>', 'per submission, its sandboxes included', positiveNumber('--memory-limit'), DEFAULT_MEMORY_LIMIT_MB)
  .option('-o, --out <dir>', 'where to write compare.html, compare.csv and results/', 'out/compare')
  .option('--title <text>', 'title of the report', 'Submissions compared')
  .addOption(keepOption())
  .exitOverride()
  .action(
    async (
      submissions: string[],
      options: { branches?: string; list?: string; shard?: Shard; lesson?: string[]; check?: string[]; variant?: ('exercise' | 'bugs')[]; seed: number; jobs: number; timeLimit: number; memoryLimit: number; out: string; title: string; keep?: boolean },
    ) => {
      const { checkOutputFile, writeAtomically } = await import('../output-files.ts');
      const { branchesMatching, compareSubmissions } = await import('../ta/compare.ts');
      const { compareOutputOf, writeCompareOutput } = await import('../ta/compare-output.ts');
      const items = [...submissions, ...(options.list ? readSubmissionList(options.list) : []), ...(options.branches ? await branchesMatching(options.branches) : [])];
      const started = Date.now();
      const out = resolve(options.out);
      mkdirSync(join(out, 'results'), { recursive: true });
      checkOutputFile(join(out, 'compare.html'), '--out');
      const reports = await compareSubmissions(items, {
        lessons: await checkLessons(options.lesson),
        checks: options.check,
        variants: options.variant,
        seed: options.seed,
        jobs: Math.floor(options.jobs),
        timeLimitMs: options.timeLimit * 1000,
        memoryLimitMb: options.memoryLimit,
        shard: options.shard,
        keep: options.keep,
        onProgress: (line) => console.error(line),
        // Each submission's results as soon as it is graded: a run stopped later keeps them.
        onReport: (report) => {
          if (report.results) writeAtomically(join(out, 'results', `${report.name}.json`), JSON.stringify(report.results, null, 2) + '\n');
        },
      });
      const html = writeCompareOutput(out, compareOutputOf(items.length, reports, options.title, options.shard));
      const failed = reports.filter((report) => report.error);
      console.log(
        `${reports.length} submissions${options.shard ? ` (shard ${options.shard.index}/${options.shard.count} of ${items.length})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
          (failed.length ? `, ${failed.length} not graded (${failed.map((report) => report.name).join(', ')})` : '') +
          `\nreport: ${html}\ncsv:    ${join(out, 'compare.csv')}`,
      );
      process.exitCode = failed.length ? 1 : 0;
    },
  );

program
  .command('merge')
  .description(
    'Combine the output folders of ta compare --shard K/N, one per shard, into the HTML, CSV and results one unsharded run would write.',
  )
  .argument('<folders...>', "the shards' output folders (each holds submissions.json)")
  .option('-o, --out <dir>', 'where to write compare.html, compare.csv and results/', 'out/compare')
  .option('--title <text>', "title of the report (default: the shards' title)")
  .exitOverride()
  .action(async (folders: string[], options: { out: string; title?: string }) => {
    const { mergeShards } = await import('../ta/merge.ts');
    const { readCompareOutput, writeCompareOutput } = await import('../ta/compare-output.ts');
    const merged = mergeShards(folders.map(readCompareOutput), options.title);
    const html = writeCompareOutput(resolve(options.out), merged);
    const failed = merged.submissions.filter((entry) => entry.report.error);
    console.log(`${merged.total} submissions from ${folders.length} shards${failed.length ? `, ${failed.length} not graded` : ''}\nreport: ${html}`);
    process.exitCode = failed.length ? 1 : 0;
  });

program
  .command('report')
  .description(
    'Render saved results documents in another format without grading again; several files (e.g. exercise and bugs) become one document.',
  )
  .argument('<results...>', 'results .json files written by npm run grade -- --json')
  .addOption(new Option('-f, --format <name>', 'output format').choices(REPORTER_NAMES).default('terminal'))
  .option('-o, --out <file>', 'write to this file instead of standard output')
  .option('--name <text>', 'what to call the submission when several files are combined', 'submission')
  .exitOverride()
  .action(async (files: string[], options: { format: ReporterName; out?: string; name: string }) => {
    const { parseResults } = await import('../results.ts');
    const { writeResults } = await import('./output.ts');
    const docs = files.map((file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`cannot read results file "${file}"`);
      }
      return parseResults(text, file);
    });
    // Combining several documents is the graded submissions' code, which loads the grader.
    const results = docs.length === 1 ? docs[0]! : (await import('../ta/submission.ts')).combineResults(options.name, docs);
    writeResults(results, options);
  });

program
  .command('publish')
  .description(
    'Publish the course: the original three-branch repository, a Classroom 50 assignment (student template and autograder), ' +
      'or a Gradescope autograder zip. None of them holds the solutions.',
  )
  .option('--branches <dir>', 'write a git repository with branches main (exercise), working (solution) and bugs')
  .option('--classroom50 <dir>', 'write template/ (the student repository) and classroom50/ (what goes into the classroom50 config repository)')
  .option('--gradescope <zip>', 'write the Gradescope autograder zip (setup.sh, run_autograder, the course)')
  .option('--actions <dir>', 'write the student template for plain GitHub Actions, with the grading workflow')
  .option('--assignment <slug>', 'the Classroom 50 assignment slug', 'deep-learning')
  .addOption(lessonOption())
  .addOption(checkOption())
  .addOption(variantOption())
  .exitOverride()
  .action(async (options: { branches?: string; classroom50?: string; gradescope?: string; actions?: string; assignment: string; lesson?: string[]; check?: string[]; variant?: ('exercise' | 'bugs')[] }) => {
    if (!options.branches && !options.classroom50 && !options.gradescope && !options.actions) {
      throw new UsageError('publish needs --branches <dir>, --classroom50 <dir>, --gradescope <zip> or --actions <dir>');
    }
    const grading = { lessons: await checkLessons(options.lesson), checks: options.check, variants: options.variant };
    if (options.branches) {
      const { publishBranches } = await import('../ta/publish.ts');
      const branches = await publishBranches(resolve(options.branches));
      console.log(`wrote ${resolve(options.branches)} with branches ${branches.join(', ')}`);
    }
    if (options.classroom50) {
      const { publishClassroom50 } = await import('../ta/publish-classroom50.ts');
      const written = await publishClassroom50(resolve(options.classroom50), { assignment: options.assignment, ...grading });
      console.log(`wrote ${written.template} (the template repository) and ${written.config} (for the classroom50 repository); see its README.md`);
    }
    if (options.actions) {
      const { publishActionsTemplate } = await import('../ta/publish.ts');
      const count = await publishActionsTemplate(resolve(options.actions));
      console.log(`wrote the template ${resolve(options.actions)} (${count} files, graded by .github/workflows/grade.yml)`);
    }
    if (options.gradescope) {
      const { publishGradescope } = await import('../ta/publish-gradescope.ts');
      const bytes = await publishGradescope(resolve(options.gradescope), grading);
      console.log(`wrote ${resolve(options.gradescope)} (${(bytes / 1e6).toFixed(1)} MB)`);
    }
  });

await runCli(async () => {
  await program.parseAsync();
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
});
