// npm run calibrate -- [--lesson ID...] [--seeds N] [--part NAME...] [--alternates]
// Trains solutions/ over several seeds and writes each lesson's reference.json,
// the curves and figures that students' runs are compared with. With
// --alternates, a part is calibrated over its file's catalogued alternates too
// (each planted alone, on the same seeds), so that its pass marks come from
// the spread of every correct program, not of the solution alone.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { backend } from '#lib/tf.ts';
import { lessonAlternates, type Alternate } from '../catalog.ts';
import type { CalibrationOptions, LessonContext } from '../lesson.ts';
import { writeBuggyTarget } from '../mutants.ts';
import { lessonIds, loadLesson, referenceFile, repoDir } from '../registry.ts';
import { ReferenceSchema, type ReferenceRun } from '../reference.ts';
import { createContext } from '../sandbox/context.ts';
import { runCli } from './run-cli.ts';

const program = new Command('calibrate')
  .description('Record reference loss curves and figures from solutions/ over several seeds.')
  .option('-l, --lesson <id...>', 'calibrate only these lessons')
  .option('--seeds <n>', 'number of seeds', (value) => Number(value), 5)
  .option('--part <name...>', "calibrate only these parts of the lessons (e.g. fine-tune), not their main reference")
  .option('--alternates', "also calibrate each part over its file's catalogued alternates")
  .exitOverride();

type Calibrate = (ctx: LessonContext, options: CalibrationOptions) => Promise<ReferenceRun>;

await runCli(async () => {
  program.parse();
  const options = program.opts<{ lesson?: string[]; seeds: number; part?: string[]; alternates?: boolean }>();
  if (!Number.isInteger(options.seeds) || options.seeds < 2) throw new Error('--seeds must be a whole number of at least 2');
  for (const id of options.lesson ?? lessonIds()) {
    const lesson = await loadLesson(id);
    const jobs: [string | undefined, Calibrate][] = [];
    if (lesson.calibrate && !options.part) jobs.push([undefined, (ctx) => lesson.calibrate!(ctx)]);
    for (const [part, calibrate] of Object.entries(lesson.calibrateParts ?? {})) {
      if (!options.part || options.part.includes(part)) jobs.push([part, calibrate]);
    }
    for (const [part, calibrate] of jobs) {
      const file = part ? lesson.partFiles?.[part] : undefined;
      // Only true alternates: an entry that departs from a prescription is not a correct program.
      const alternates: (Alternate | undefined)[] = [undefined];
      if (options.alternates && file) alternates.push(...(await lessonAlternates(id)).filter((a) => a.file === file && a.fails.length === 0));
      const runs: ReferenceRun[] = [];
      for (const alternate of alternates) {
        const target = alternate ? writeBuggyTarget(`calibrate-${alternate.id}`, id, [alternate]) : join(repoDir, 'solutions');
        try {
          // Seeds 101, 102, ... stay apart from the grading seed, so a student is never graded on a calibration run.
          for (let seed = 101; seed < 101 + options.seeds; seed++) {
            const context = createContext({ lesson, lessonDir: join(target, id), seed, reference: undefined });
            const run = await calibrate(context, { alternate: alternate?.id });
            if (alternate) run.alternate = alternate.id;
            const summary = Object.entries(run.metrics).map(([name, value]) => `${name} ${value.toFixed(4)}`).join(', ');
            console.log(`${id}${part ? ` ${part}` : ''}${alternate ? ` + ${alternate.id}` : ''} seed ${seed}: ${run.losses.length} steps, final loss ${run.losses.at(-1)?.toFixed(4)}, ${summary}`);
            runs.push(run);
          }
        } finally {
          if (alternate) rmSync(target, { recursive: true, force: true });
        }
      }
      const reference = ReferenceSchema.parse({ lesson: id, backend: backend.name, runs });
      writeFileSync(referenceFile(id, part), JSON.stringify(reference) + '\n');
      console.log(`wrote ${referenceFile(id, part).slice(repoDir.length + 1)}`);
    }
  }
});
