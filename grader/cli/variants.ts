// npm run variants            regenerate exercise/ and bugs/ from solutions/ and the catalog
// npm run variants -- --check fail (exit 1) if the committed folders drift from their source
import { Command } from 'commander';
import { variantDrift, writeVariants } from '../variants/generate.ts';
import { runCli } from './run-cli.ts';

const program = new Command('variants')
  .description('Generate exercise/ and bugs/ from solutions/ and the bug catalog.')
  .option('--check', 'only check that the generated folders are up to date')
  .exitOverride();

await runCli(async () => {
  program.parse();
  if (program.opts<{ check?: boolean }>().check) {
    const drift = await variantDrift();
    for (const line of drift) console.error(`drift: ${line}`);
    if (drift.length) console.error('run `npm run variants` to regenerate exercise/ and bugs/');
    else console.log('exercise/ and bugs/ match solutions/ and the bug catalog');
    return drift.length ? 1 : 0;
  }
  const written = await writeVariants();
  for (const path of written) console.log(`wrote ${path}`);
  console.log(written.length ? `${written.length} files written` : 'exercise/ and bugs/ were already up to date');
});
