// A shared machine (a laptop's browser, a CI runner's neighbours) slows some
// stretches of a run and not others. The bench therefore times several
// blocks of steps and keeps the fastest: the speed the code reaches when
// nothing else interferes, which is what comparing two implementations needs.
// The PyTorch scripts take the fastest of the same number of blocks.

/** Seconds of the fastest of `blocks` blocks of `steps` calls of `step`. */
export function fastestBlock(step: () => void, steps: number, blocks: number): number {
  let fastest = Infinity;
  for (let block = 0; block < blocks; block++) {
    const started = performance.now();
    for (let i = 0; i < steps; i++) step();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}
