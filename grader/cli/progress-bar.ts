// `npm run train`'s progress bar, drawn from the one callback a lesson's
// training loop calls, report(loss). The lesson states no total: each epoch's
// length comes from the DataLoader that yields its batches (observeBatches),
// one bar per epoch. A loop without a DataLoader (lesson 1's full-batch
// descent) gets a step counter instead.
import { format } from 'node:util';
import cliProgress from 'cli-progress';
import { observeBatches, type DataLoader } from '#lib/batches.ts';
import type { Report } from '#lib/contracts/training.ts';

export interface ProgressBar {
  report: Report;
  /** Ends the bar and gives console.log back. */
  stop(): void;
}

/** A bar on a terminal; nothing when standard error is not one (the lesson's own prints still show). */
export function progressBar(label: string): ProgressBar {
  if (!process.stderr.isTTY) return { report: () => {}, stop: () => {} };
  const bars = new cliProgress.MultiBar(
    {
      format: `${label} {epoch} [{bar}] {percentage}% | step {value}/{total} | loss {loss} | {eta_formatted} left`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  // The epoch whose first batch was taken last, and whether its bar is drawn yet.
  let epoch: { loader: DataLoader; number: number; drawn: boolean } | undefined;
  const stopObserving = observeBatches((_batch, loader) => {
    if (epoch?.loader !== loader || epoch.number !== loader.epoch) epoch = { loader, number: loader.epoch, drawn: false };
  });
  // Once a bar is drawn, a plain console.log would tear it: the lessons' lines go above it.
  const log = console.log;
  console.log = (...args: unknown[]) => (bar ? bars.log(`${format(...args)}\n`) : log(...args));
  return {
    report(loss) {
      // A bar starts at an epoch's first reported loss, so loaders that only evaluate draw none.
      if (epoch && !epoch.drawn) {
        bar?.stop();
        bar = bars.create(epoch.loader.length, 0, { epoch: `epoch ${epoch.number}`, loss: '-' });
        epoch.drawn = true;
      } else if (!bar) {
        bar = bars.create(0, 0, { loss: '-' }, { format: `${label} step {value} | loss {loss}` });
      }
      bar.increment(1, { loss: loss.toFixed(3) });
    },
    stop() {
      stopObserving();
      bars.update(); // prints the lines logged since the last redraw
      bars.stop();
      console.log = log;
    },
  };
}
