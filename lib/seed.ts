// Reproducible training from one number.
//
// TensorFlow.js keeps no random state of its own: every random op given no
// explicit seed draws one from Math.random. In @tensorflow/tfjs-core 4.22.0,
// dist/ops/rand_util.js does `seed ? seed : Math.random()` (MPRandGauss, used by
// randomNormal and truncatedNormal) and `seed = Math.random()` when none is
// given (UniformRandom, used by randomUniform); multinomial.js does
// `seed || Math.random()`, and util's shuffle uses Math.random directly.
// tfjs-layers' initializers (glorotUniform and the other variance-scaling ones,
// randomNormal, truncatedNormal, orthogonal) and the Dropout layer pass their
// optional, usually unset, seed down to those ops; tf.dropout calls
// randomUniform. So replacing Math.random with a seeded generator seeds all of
// them, and the course's own shuffling takes its generators from here too.
import seedrandom from 'seedrandom';

/** A function that returns uniform numbers in [0, 1), like Math.random. */
export type RandomGenerator = () => number;

const unseededMathRandom = Math.random;
let current: RandomGenerator = unseededMathRandom;
// Math.random is replaced once, when this module loads, by one that draws from
// `current`: the grader's sandbox freezes Math before student code loads, and
// seeding must still work after that.
Math.random = () => current();

/** An independent generator (alea, as tfjs uses) determined by `seed`. */
export function randomGenerator(seed: number | string): RandomGenerator {
  return seedrandom.alea(String(seed));
}

/**
 * Seeds every source of randomness training uses, by drawing Math.random
 * from a generator seeded by `seed`. Calling it again with the same seed
 * restarts the same sequence.
 */
export function seedEverything(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`seedEverything: seed must be a finite number, got ${seed}`);
  current = randomGenerator(seed);
}

/** Puts the runtime's own unseeded Math.random back. */
export function unseed(): void {
  current = unseededMathRandom;
}
