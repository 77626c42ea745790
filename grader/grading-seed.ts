// The grading seed: its default, and `--seed` as every command reads it.
// Light on purpose (no imports of the grader): `ta --help` shows the default.
import { UsageError } from './usage-error.ts';

export const DEFAULT_SEED = 1;

/** `--seed`: a whole number, the same rule for every command. */
export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed must be a whole number (0 or more), not "${value}"`);
  return seed;
}
