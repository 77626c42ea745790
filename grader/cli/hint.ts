// npm run hint -- LESSON [--target DIR]
// Shows the hint for the next bug still planted in bugs/LESSON, one at a time.
import { join } from 'node:path';
import { Command } from 'commander';
import { lessonBugs } from '../catalog.ts';
import { unsolvedBugs } from '../hints.ts';
import { lessonIds } from '../registry.ts';
import { resolveTarget, UsageError } from '../target.ts';
import { runCli } from './run-cli.ts';

const program = new Command('hint')
  .description('Show a hint for the next planted bug you have not fixed yet.')
  .argument('<lesson>', `one of: ${lessonIds().join(', ')}`)
  .option('--target <dir>', 'the folder with your debugging work', 'bugs')
  .exitOverride();

await runCli(async () => {
  program.parse();
  const [lesson] = program.processedArgs as [string];
  if (!lessonIds().includes(lesson)) throw new UsageError(`unknown lesson "${lesson}"; known lessons: ${lessonIds().join(', ')}`);
  const total = (await lessonBugs(lesson)).length;
  const remaining = await unsolvedBugs(join(resolveTarget(program.opts<{ target: string }>().target), lesson), lesson);
  if (remaining.length === 0) {
    console.log(`No planted bug is left in ${lesson} as far as hints can tell. Grade it: npm run grade -- bugs --lesson ${lesson}`);
    return;
  }
  const next = remaining[0]!;
  console.log(`${total - remaining.length} of ${total} bugs fixed in ${lesson}. Hint for the next one (in ${next.file}):\n`);
  console.log(`  ${next.hint}\n`);
  console.log(`Symptom to look for: ${next.symptom}`);
});
