// An option parser of the scripts that make the committed data sets
// (make-fashion-mnist-subset.ts, make-spam-assassin-subset.ts).
import { InvalidArgumentError } from 'commander';

/** A whole number above 0, or commander's usage error. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
