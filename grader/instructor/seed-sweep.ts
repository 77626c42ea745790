// The frame of the instructor's measurements over seeds (initial-loss-bands.ts,
// loss-peak-bands.ts): one option, `--seeds N`, at least 2 so that a tolerance
// bound has a spread to work from.
import { Command } from 'commander';
import { runCli } from '../cli/run-cli.ts';

export async function runSeedSweep(name: string, description: string, defaultSeeds: number, measure: (seeds: number) => Promise<void>): Promise<void> {
  const program = new Command(name)
    .description(description)
    .option('--seeds <n>', 'seeds per initialiser', (value) => Number(value), defaultSeeds)
    .exitOverride();
  await runCli(async () => {
    program.parse();
    const { seeds } = program.opts<{ seeds: number }>();
    if (!Number.isInteger(seeds) || seeds < 2) throw new Error('--seeds must be a whole number of at least 2');
    await measure(seeds);
  });
}
