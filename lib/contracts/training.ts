// What every lesson's training code shares with the grader and with `npm run
// train`: one callback for the loss of each step, and the options of a
// training function. The lessons' own contracts (NN-name.ts) build on these.
//
// The conventions every lesson follows:
// - a training function takes TrainOptions and calls `options.report(loss)`
//   once per step; it draws no progress bar and keeps no log of its own;
// - the file's exported `hyperparameters` are the default, and
//   `options.hyperparameters` replaces them (fine-tuning, the grader);
// - `train` and `evaluate` are async: they read each loss or result back with
//   `await tensor.data()`. Lesson 1's full-batch `gradientDescent` is the one
//   synchronous loop, as its tutorial's;
// - the course's data loaders are synchronous and are called without `await`
//   (lesson 3's `loadData` is async: CIFAR-10 may have to be downloaded).

/**
 * Told the loss of every optimisation step, in order. The grader records the
 * losses; `npm run train` draws its progress bar from them. A training loop
 * calls it once per step and does nothing else for progress.
 */
export type Report = (loss: number) => void;

/** Every lesson's training function takes these options, whatever it trains. */
export interface TrainOptions<Hyperparameters> {
  /** Called after every optimisation step with that step's loss. */
  report: Report;
  /** Seeds the shuffling of the training data (a full-batch loop has none to seed). */
  seed?: number;
  /** Defaults to the lesson's `hyperparameters`; fine-tuning passes its own. */
  hyperparameters?: Hyperparameters;
}

/** A lesson's first file exports `main` for `npm run train -- <lesson> [-- args]`. */
export type Main = (args: string[], report: Report) => Promise<void>;
