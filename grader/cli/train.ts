// npm run train -- LESSON [--variant exercise|solutions|bugs] [-- lesson options]
// Runs one lesson's full training, as a student would, with a progress bar.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, Option } from 'commander';
import type { Main } from '#lib/contracts/training.ts';
import { lessonIds, loadLesson } from '../registry.ts';
import { resolveTarget, UsageError, VARIANTS } from '../target.ts';
import { progressBar } from './progress-bar.ts';
import { runCli } from './run-cli.ts';

const program = new Command('train')
  .description("Run a lesson's training program with a progress bar.")
  .argument('<lesson>', `one of: ${lessonIds().join(', ')}`)
  .argument('[options...]', "the lesson's own options, e.g. --dataset cifar10")
  .addOption(new Option('--variant <name>', 'which variant to run').choices(VARIANTS).default('exercise'))
  .option('--target <dir>', 'run the lesson from this folder instead of a variant')
  .option('--part <name>', "run another of the lesson's files, e.g. pretrained for 03-cnn/pretrained.ts")
  .allowUnknownOption()
  .exitOverride();

await runCli(async () => {
  program.parse();
  const [lessonId, lessonArgs] = program.processedArgs as [string, string[]];
  const options = program.opts<{ variant: string; target?: string; part?: string }>();
  const lesson = await loadLesson(lessonId).catch((error: Error) => {
    throw new UsageError(error.message);
  });
  const part = options.part ? `${options.part}.ts` : lesson.files[0]!;
  if (!lesson.files.includes(part)) {
    throw new UsageError(`lesson ${lessonId} has no part "${options.part}"; its files: ${lesson.files.join(', ')}`);
  }
  const file = join(resolveTarget(options.target ?? options.variant), lessonId, part);
  const module = (await import(pathToFileURL(file).href)) as { main?: Main };
  if (typeof module.main !== 'function') throw new UsageError(`${file} exports no main(args, report) function`);
  const bar = progressBar(lessonId);
  try {
    await module.main(lessonArgs, bar.report);
  } finally {
    bar.stop();
  }
});
