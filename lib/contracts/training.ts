// What every lesson's training code shares with the grader and with `npm run
// train`: one callback for the loss of each step, and the options of a
// training function. The lessons' own contracts (NN-name.ts) build on these.

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
