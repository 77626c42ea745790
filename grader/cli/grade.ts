// npm run grade -- [TARGET] [--lesson ID] [--json FILE] [--format NAME]
import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { explain } from '../diagnosis.ts';
import { exitCodeFor, grade } from '../grade.ts';
import { DEFAULT_SEED, parseSeed } from '../grading-seed.ts';
import { detectSource } from '../provenance.ts';
import { reporters, type ReporterName } from '../reporters/index.ts';
import { resolveTarget } from '../target.ts';
import { formatTimings, type LessonTimings } from '../timings.ts';
import { watchLessons } from '../watch.ts';
import { checkFormat, checkOutputs, saveResults, writeResults } from './output.ts';
import { runCli } from './run-cli.ts';

const program = new Command('grade')
  .description('Train and check the lessons of a target against the reference solution.')
  .argument('[target]', 'exercise, solutions, bugs, or a folder with the same lesson layout', 'exercise')
  .option('-l, --lesson <id...>', 'grade only these lessons (e.g. 03-cnn)')
  .option('--json <file>', 'also write the results document to this file')
  .addOption(
    new Option('-f, --format <name>', 'how to print the results').choices(Object.keys(reporters)).default('terminal'),
  )
  .option('-o, --out <file>', 'write the report to this file instead of standard output')
  .option('-w, --watch', 're-grade a lesson every time one of its files is saved')
  .option('--explain', 'after the report, diagnose each lesson: symptoms and ranked likely causes')
  .option('--timings', 'after grading, print where each lesson\'s time went: sandbox start, loading, training, checks')
  .option('--seed <n>', 'grading seed', (value) => parseSeed(value), DEFAULT_SEED)
  .option('--jobs <n>', 'lessons graded at once, each in its own sandbox (default: one per CPU core)', parseJobs, availableParallelism())
  .exitOverride();

function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return jobs;
}

await runCli(async () => {
  program.parse();
  const [target] = program.processedArgs as [string];
  const options = program.opts<{
    lesson?: string[];
    json?: string;
    format: ReporterName;
    out?: string;
    seed: number;
    explain?: boolean;
    watch?: boolean;
    timings?: boolean;
    jobs: number;
  }>();
  const targetDir = resolveTarget(target);
  checkFormat(options.format);
  checkOutputs(options);
  const source = detectSource(targetDir);
  const gradeAndReport = async (lessons: string[] | undefined) => {
    const timings: { id: string; timings: LessonTimings }[] = [];
    const began = performance.now();
    const results = await grade({
      targetDir,
      targetName: target,
      lessons,
      seed: options.seed,
      source,
      typeCheck: true,
      jobs: options.jobs,
      onLesson: (lesson, spent) => {
        console.error(`graded ${lesson.id}: ${lesson.points} / ${lesson.maxPoints}`);
        timings.push({ id: lesson.id, timings: spent });
      },
      onPartial: (partial) => saveResults(partial, options),
    });
    writeResults(results, options);
    if (options.timings) console.error(`\n${formatTimings(timings.sort((a, b) => a.id.localeCompare(b.id)), performance.now() - began)}`);
    if (options.explain) for (const lesson of results.lessons) console.log(`\n${explain(lesson)}`);
    return results;
  };
  const results = await gradeAndReport(options.lesson);
  if (options.watch) {
    const lessons = results.lessons.map((lesson) => lesson.id);
    console.error(`\nwatching ${lessons.join(', ')} in ${target}: save a file to grade again, Ctrl-C to stop`);
    let queue = Promise.resolve();
    watchLessons(targetDir, lessons, (lesson) => {
      queue = queue.then(async () => {
        console.clear();
        await gradeAndReport([lesson]);
        console.error(`\nwatching ${lessons.join(', ')}: save a file to grade again, Ctrl-C to stop`);
      });
    });
    await new Promise(() => {});
  }
  return exitCodeFor(results);
});
