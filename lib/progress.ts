// Progress of a training run: a bar on a terminal, nothing in the grader.
// cli-progress draws the bar; its MultiBar can print log lines above the bar
// without tearing it, which is why lessons log through Progress.log.
import cliProgress from 'cli-progress';

export interface Progress {
  start(totalSteps: number): void;
  step(loss: number): void;
  log(line: string): void;
  stop(): void;
}

export const silentProgress: Progress = {
  start() {},
  step() {},
  log() {},
  stop() {},
};

/** A progress bar with the latest loss, or plain log lines when output is not a terminal. */
export function terminalProgress(label: string): Progress {
  if (!process.stderr.isTTY) {
    return { ...silentProgress, log: (line) => console.log(line) };
  }
  const bars = new cliProgress.MultiBar(
    {
      format: `${label} [{bar}] {percentage}% | step {value}/{total} | loss {loss} | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  return {
    start: (total) => {
      bar = bars.create(total, 0, { loss: '-' });
    },
    step: (loss) => bar?.increment(1, { loss: loss.toFixed(3) }),
    log: (line) => bars.log(`${line}\n`),
    stop: () => bars.stop(),
  };
}
