// Evidence rules: what the measurements of a graded lesson say about the cause
// of its failures. Each rule reads figures that measure a symptom directly (the
// loss going NaN, accuracy below chance, how far the weights moved) and names
// the causes that symptom points at, with the numbers it saw. They add to the
// causes the failing checks name; a rule may also replace the causes of one
// check whose failure the measurements explain better (`explains`).
import { cause, type Cause, type FaultCategory } from '../faults.ts';
import { compact } from '../format.ts';
import type { LessonResult } from '../results.ts';
import { errorCauses, errorKey } from './errors.ts';
import { partialEpochs, summedLoss, summedOverBatch } from './loop-rules.ts';
import { isUnshuffledGuess } from './unshuffled.ts';
import { measured, type Measured } from './measured.ts';

export interface Evidence {
  causes: Cause[];
  /** Check id -> the causes that replace those the check named itself. */
  explains: Map<string, Cause[]>;
}

/** Inputs this large (in absolute value) were not scaled: every lesson scales its inputs to about [-1, 1]. */
const LARGE_INPUT = 10;
/** Update-to-weight ratios over a whole run below TINY_UPDATE or above HUGE_UPDATE are not a learning rate that trains. */
const TINY_UPDATE = 1e-3;
const HUGE_UPDATE = 5;

/**
 * The loss blew up: it became NaN or Infinity, the weights did, or it ended far
 * above where it started. Steps too large for the model, or inputs far larger
 * than the model expects.
 */
export function diverged(m: Measured): string | undefined {
  const nonFinite = m.figure('firstNonFiniteStep');
  if (nonFinite !== null) return `the loss became NaN or infinite at step ${nonFinite}`;
  if ((m.figure('weightsNonFinite') ?? 0) > 0) return `${m.figure('weightsNonFinite')} weights became NaN or infinite`;
  const [first, final, max] = [m.figure('lossFirst'), m.figure('lossFinal'), m.figure('lossMax')];
  if (first === null || final === null || max === null || first <= 0) return undefined;
  if (final > 1.5 * first) return `the loss ended at ${compact(final)}, above its start ${compact(first)}`;
  if (max > 10 * first) return `the loss leapt to ${compact(max)} from a start of ${compact(first)}`;
  return undefined;
}

/** Checks that a hand-written update step is right: the hand-derived gradient, one whole step against tf.train.sgd's. */
const STEP_CHECKS = ['gradient-formula', 'gradient-check', 'sgd-step'];

/** The hand-written gradient and update were checked and are right. */
function stepsChecked(m: Measured): boolean {
  return STEP_CHECKS.some((id) => m.ran(id)) && !STEP_CHECKS.some((id) => m.failed(id));
}

/**
 * The hand-written gradient and step are right (their checks pass), yet from
 * the same start over the same batches the run's curve differs from autodiff's
 * with the hyperparameters' learning rate: what differs is how the loop calls
 * them. The check's own guess, wrong gradients, is refuted by the step checks;
 * what is left is the rate the loop passes (other than the one declared, e.g.
 * divided by the batch size), the batches it passes (changed inside the loop),
 * or the steps it takes. Causes the check found at the root are kept.
 */
function loopUnlikeAutodiff(m: Measured, lesson: LessonResult): [string, Cause[]][] {
  const [yours, autodiff] = [m.figureOf('training-curve', 'finalLoss'), m.figureOf('training-curve', 'autodiffFinalLoss')];
  if (!m.failed('training-curve') || !stepsChecked(m) || yours === null || autodiff === null || diverged(m)) return [];
  const own = lesson.checks.find((check) => check.id === 'training-curve')?.causes ?? [];
  const how = yours > autodiff ? 'smaller' : 'larger';
  const ends = `your gradients and step are right, yet over the same batches your loss ends at ${compact(yours)} and autodiff's at ${compact(autodiff)}`;
  return [
    [
      'training-curve',
      [
        ...own.filter((c) => c.category !== 'training/process'),
        cause('training/hyperparameters', 2, `${ends}: the loop steps with a ${how} learning rate than the one declared?`),
        cause('training/preprocessing', 1, `${ends}: the batches changed inside the loop before they reach the step?`),
        cause('training/process', 1, `${ends}: steps skipped or repeated?`),
      ],
    ],
  ];
}

/**
 * Whether the run stepped with the README's learning rate on a right gradient,
 * as the prescription checks measured it: a tfjs optimizer with the README's
 * settings took the steps (on tfjs's own gradients), or the learning-rate check
 * measured the README's rate of a hand-written update whose step checks pass
 * (its step also scales with the hand-derived gradient). Then "a learning rate
 * too high/too small", the usual guess behind a bad curve, is refuted.
 */
export function prescribedStep(m: Measured): string | undefined {
  if (m.ran('optimizer') && !m.failed('optimizer') && (m.figure('optimizers') ?? 0) > 0) return 'the optimizer and its learning rate are the README’s';
  const rate = m.figure('learningRate');
  // The rate measured is the one declared; a training curve unlike autodiff's with that rate shows the loop used another.
  if (m.failed('training-curve')) return undefined;
  if (m.ran('learning-rate') && !m.failed('learning-rate') && rate !== null && stepsChecked(m)) {
    return `the learning rate is the README’s (${compact(rate)}) and the update step checks pass`;
  }
  return undefined;
}

/** Checks of the run's outcome, whose own causes guess at the learning rate when the curve or score is off. */
const OUTCOME_CHECKS = ['loss-curve', 'accuracy', 'dead-relu', 'held-out-r2', 'training-curve'];

/**
 * By elimination: the step is the README's, the model can learn (it overfits
 * one batch when the grader trains it; lessons without that probe leave it
 * open) and nothing blew up, yet the run ends worse than the reference's. What
 * is left is what the model is given: how the data is prepared and which of
 * it reaches the steps.
 */
function dataByElimination(m: Measured): Cause[] {
  const step = prescribedStep(m);
  const outcome = m.failed('loss-curve') || m.failed('accuracy');
  if (!step || !outcome || diverged(m) || m.failed('overfit-one-batch')) return [];
  const learns = m.ran('overfit-one-batch') ? ' and the model can learn' : '';
  return [
    cause('training/preprocessing', 1, `the run ends worse than the reference's though ${step}${learns}: is the data prepared as for the reference (scale, order, shuffling)?`),
    cause('training/process', 0.5, `the run ends worse than the reference's though ${step}: does every batch reach a step?`),
  ];
}

/**
 * Every weight changed (weights-updated passes) and by an ordinary share of
 * its size: the gradients were applied, to all the weights. A flat curve's
 * guesses "applied to only some weights" and "never applied" are refuted.
 */
function weightsAllMoved(m: Measured): boolean {
  const largest = m.figure('updateRatioMax');
  return m.ran('weights-updated') && !m.failed('weights-updated') && largest !== null && largest >= 0.01 && largest <= HUGE_UPDATE;
}

/**
 * The outcome checks' guesses that a measurement refutes are left out of their
 * causes: the learning rate's when the step size was measured right, the
 * optimizer's and the loop's when every weight moved by ordinary amounts.
 */
function refutedStepGuesses(m: Measured, lesson: LessonResult): [string, Cause[]][] {
  const refuted = new Set<FaultCategory>();
  if (prescribedStep(m)) refuted.add('training/hyperparameters');
  if (weightsAllMoved(m)) ['training/optimiser', 'training/process'].forEach((c) => refuted.add(c as FaultCategory));
  if (refuted.size === 0) return [];
  return lesson.checks
    .filter((check) => OUTCOME_CHECKS.includes(check.id) && m.failed(check.id) && check.causes.some((c) => refuted.has(c.category)))
    .map((check) => [check.id, check.causes.filter((c) => !refuted.has(c.category))]);
}

function divergence(m: Measured): Cause[] {
  const what = diverged(m);
  if (!what) return [];
  const input = m.figure('probe.largestInput');
  if (input !== null && input > LARGE_INPUT) {
    return [cause('training/preprocessing', 3, `${what}, and inputs reach ${compact(input, 0)}: are they scaled?`)];
  }
  const step = prescribedStep(m);
  if (step) {
    // The README's rate blew up: the step was made large elsewhere, by the loss's scale or the gradient's.
    return [
      cause('training/loss-function', 2, `${what}, though ${step}: a loss summed where it should be averaged, or one that overflows?`),
      cause('training/optimiser', 1, `${what}, though ${step}: an update that does not follow minus the gradient?`),
      cause('training/preprocessing', 1, `${what}, though ${step}: inputs on a larger scale than the model expects?`),
    ];
  }
  // Weight 2, not more: a blow-up also follows from steps uphill, a loss on the wrong scale or unscaled inputs,
  // which the checks of those parts name more precisely.
  return [
    cause('training/hyperparameters', 2, `${what}: steps too large, e.g. a learning rate too high`),
    cause('training/loss-function', 1, `${what}: a loss that takes the log of 0 or exponentiates large numbers?`),
  ];
}

/** A cross-entropy or squared error is never below 0; a negative one is computed wrongly or fed labels outside their range. */
function negativeLoss(m: Measured): Cause[] {
  const negatives = m.figure('negativeLosses') ?? 0;
  if (negatives === 0) return [];
  return [
    cause('training/loss-function', 3, `${negatives} reported losses are below 0, which this loss cannot be for valid labels: a sign or a term missing?`),
    cause('tensors-and-inputs/wrong-input', 1, `${negatives} reported losses are below 0: labels outside the range the loss expects?`),
  ];
}

/**
 * Accuracy well below chance is not a model that learnt too little (that gives
 * chance): it predicts systematically the wrong class, so the labels it is
 * scored against do not mean what its training labels meant.
 */
function belowChance(m: Measured): Cause[] {
  const [accuracy, chance] = [m.figure('accuracy'), m.figure('chance')];
  if (accuracy === null || chance === null || !m.failed('accuracy')) return [];
  const margin = Math.max(0.15 * chance, 0.03);
  if (accuracy >= chance - margin) return [];
  return [
    cause('training/data-quality', 4, `test accuracy ${compact(accuracy)} is far below chance (${compact(chance)}): the model is systematically wrong, as when training labels do not match the images`),
    cause('training/validation-testing', 2, `test accuracy ${compact(accuracy)} is below chance (${compact(chance)}): predictions compared with the labels the wrong way round?`),
  ];
}

/**
 * How far the weights moved over the whole run, relative to their size: a
 * learning rate far too small moves every weight by a tiny fraction.
 */
function updateSizes(m: Measured): Cause[] {
  const largest = m.figure('updateRatioMax');
  if (largest === null || largest === 0 || diverged(m)) return [];
  const troubled = m.failed('loss-curve') || m.failed('accuracy') || m.failed('held-out-r2');
  const step = prescribedStep(m);
  if (troubled && largest < TINY_UPDATE && step) {
    return [
      cause('training/loss-function', 1, `no weight moved by more than ${compact(largest)} of its size, though ${step}: gradients of a loss scaled far down?`),
      cause('training/process', 1, `no weight moved by more than ${compact(largest)} of its size, though ${step}: updates computed but barely applied?`),
    ];
  }
  if (troubled && largest < TINY_UPDATE) {
    return [cause('training/hyperparameters', 3, `over the whole run no weight moved by more than ${compact(largest)} of its size: a learning rate far too small?`)];
  }
  // A correct run moves its weights by a fraction of their size (the CNN's by 0.2 to 0.9); many times their size is steps far too large.
  if (troubled && largest > HUGE_UPDATE && step) {
    return [cause('training/loss-function', 1, `a weight moved by ${compact(largest, 1)} times its own size, though ${step}: a loss summed where it should be averaged?`)];
  }
  if (troubled && largest > HUGE_UPDATE) {
    return [cause('training/hyperparameters', 2, `a weight moved by ${compact(largest, 1)} times its own size over the run: steps far too large?`)];
  }
  return [];
}

/**
 * The weights moved by ordinary amounts, yet the loss did not fall: the
 * updates do not descend the loss that is reported, so the loss (or what it is
 * given) is not what the gradient was taken of.
 */
function movedButFlat(m: Measured): Cause[] {
  const [first, final, largest] = [m.figure('lossFirst'), m.figure('lossFinal'), m.figure('updateRatioMax')];
  if (first === null || final === null || largest === null || diverged(m) || !m.failed('accuracy')) return [];
  if (largest < 0.01 || largest > HUGE_UPDATE || final < 0.9 * first) return [];
  // The loss is measured right (the first loss is the grader's own cross-entropy on that batch), the model can
  // learn and the step is the README's: a loss that will not fall though the weights move is labels that
  // carry nothing the inputs tell, i.e. labels that no longer belong to their examples.
  const lossRight = m.ran('initial-loss') && !m.failed('initial-loss') && m.figureOf('initial-loss', 'graderLossOnFirstBatch') !== null;
  const step = prescribedStep(m);
  if (lossRight && step && !m.failed('overfit-one-batch')) {
    return [
      cause('training/data-quality', 3, `the weights moved by up to ${compact(largest)} of their size and the loss is the grader's cross-entropy, yet it went only from ${compact(first)} to ${compact(final)} though ${step}: do the labels still belong to their examples?`),
      cause('training/preprocessing', 1, `the loss did not fall though the loss, the step and the model are right: inputs changed or scrambled before the model sees them?`),
    ];
  }
  return [
    cause('training/loss-function', 2, `the weights moved by up to ${compact(largest)} of their size, yet the loss went only from ${compact(first)} to ${compact(final)}: is the loss given the logits and labels it expects?`),
    cause('training/optimiser', 1, `weights moved but the loss did not fall: updates that do not follow the gradient?`),
  ];
}

/**
 * A loss far above chance level at the first step means large, confident
 * logits before any training: weights drawn with too large a spread, inputs
 * on a large scale, or a loss summed where it should be averaged.
 */
function tooHighFromTheStart(m: Measured): Cause[] {
  const expected = m.figureOf('initial-loss', 'expected');
  // The untrained model's own loss (the grader's cross-entropy on the first batch) where measured: the curve's true start.
  const start = m.figureOf('initial-loss', 'graderLossOnFirstBatch') ?? m.figureOf('initial-loss', 'initialLoss');
  const troubled = m.failed('initial-loss') || OUTCOME_CHECKS.some((id) => m.failed(id));
  if (!troubled || start === null || expected === null || start < 2 * expected) return [];
  // A first loss the batch size times too large is a sum, which summedLoss names: no weights or inputs to suspect.
  if (summedOverBatch(m)) return [];
  const input = m.figure('probe.largestInput');
  if (input !== null && input > LARGE_INPUT) return [cause('training/preprocessing', 2, `the untrained model's loss is ${compact(start)}, far above ${compact(expected)}, and inputs reach ${compact(input, 0)}`)];
  return [
    cause('model/type-and-properties', 2, `the untrained model's loss is ${compact(start)}, far above ${compact(expected)}: logits already large before training; weights initialised with too large a spread?`),
    ...(m.failed('initial-loss') ? [cause('training/loss-function', 1, `the first loss is far above ${compact(expected)}: a loss summed over the batch rather than averaged?`)] : []),
  ];
}

/** The loss fell and then climbed back towards its start, without blowing up: training restarted, or its state was thrown away. */
function rebound(m: Measured): Cause[] {
  const back = m.figure('lossRebound');
  if (back === null || back < 0.8 || diverged(m) || (m.figure('lossLeaps') ?? 0) >= 3) return [];
  return [
    cause('training/process', 3, `the loss fell and then climbed back ${Math.round(100 * back)}% of the way to its start: weights or optimizer re-created during training?`),
  ];
}

/**
 * More than one optimizer took the training's steps (the optimizer check
 * counts every tfjs optimizer object that stepped): the optimizer was made
 * again during training, so its state (momentum, Adam's moment estimates and
 * step count) restarted each time. A correct run makes one.
 */
function optimizerRestarts(m: Measured): Cause[] {
  const count = m.figure('optimizers');
  if (count === null || count <= 1) return [];
  return [
    cause('training/process', 3, `${count} optimizer objects took the steps of one training run: made again inside the loop, so momentum and Adam's estimates restart each time`),
    cause('training/optimiser', 1, `${count} optimizers took the steps: the optimizer's state does not carry over from step to step`),
  ];
}

/**
 * Training went as well as the reference's, yet the test score did not: the
 * gap lies between training and testing (how the test data is prepared or
 * scored), not in the training.
 */
function trainTestGap(m: Measured): Cause[] {
  const [final, reference] = [m.figure('lossFinal'), m.figure('referenceFinalLoss')];
  if (!m.failed('accuracy') || m.failed('loss-curve') || final === null || reference === null || diverged(m)) return [];
  if (final > 1.1 * reference + 0.02) return [];
  return [
    cause('training/validation-testing', 2, `the training loss ended at ${compact(final)} (reference ${compact(reference)}) but test accuracy fails: the test data is prepared or scored unlike the training data?`),
    cause('training/data-quality', 1, `training went like the reference's yet the test score did not: labels or inputs that differ between training and test?`),
  ];
}

/**
 * A leak of a few tensors in all, rather than some per step, comes from an
 * object made once per run or epoch (an optimizer not disposed; tfjs's own
 * momentum optimizer keeps its learning-rate scalar after dispose), and is
 * weak evidence beside the per-step leaks that exhaust memory.
 */
function leakSize(m: Measured): [string, Cause[]][] {
  const perStep = m.figure('leakedPerStep');
  if (!m.failed('no-leaks') || perStep === null || perStep >= 0.5) return [];
  const gained = m.figure('tensorsGained');
  return [
    [
      'no-leaks',
      [
        cause('resources', 1, `${gained} tensors kept after training, ${compact(perStep, 2)} per step: made once per epoch or run, not every step`),
        cause('training/optimiser', 1, 'a few tensors kept per epoch: an optimizer created again for each epoch or step and never disposed?'),
      ],
    ],
  ];
}

/**
 * Tensors kept after training no more than the state of the extra optimizers
 * made (up to two slots per weight, and a few scalars, for each): the leak is
 * those optimizers, never disposed, and follows from making them again; the
 * restart is the fault (optimizerRestarts), the leak its trace.
 */
function leakOfRestartedOptimizers(m: Measured): [string, Cause[]][] {
  const [count, gained, weights] = [m.figure('optimizers'), m.figureOf('no-leaks', 'tensorsGained'), m.figureOf('weights-updated', 'weights')];
  if (!m.failed('no-leaks') || count === null || count <= 1 || gained === null || weights === null) return [];
  if (gained > count * (2 * weights + 4)) return [];
  return [['no-leaks', [cause('resources', 1, `${gained} tensors kept after training, about the state of the ${count} optimizers made: each optimizer made again and never disposed`)]]];
}

/** Units that died in a run that blew up died of the blow-up: one symptom, counted once (by divergence). */
function deadAfterDivergence(m: Measured): [string, Cause[]][] {
  return diverged(m) && m.failed('dead-relu') ? [['dead-relu', []]] : [];
}

/**
 * A first loss unlike the grader's own loss of the same model on the same
 * first batch: the check measured that the number reported is not the
 * cross-entropy of the model's output on the batch the DataLoader gave. Its
 * own causes blame the loss formula at full weight; the measurement allows two
 * more readings, weighed here: the batch changed between the loader and the
 * model (preprocessing inside the step), or the number reported is not this
 * step's loss. A ratio of about the batch size, or the number of classes, is
 * the signature of a sum where the mean is meant, and stays at full weight.
 */
function firstLossMismatch(m: Measured): [string, Cause[]][] {
  const [first, own] = [m.figureOf('initial-loss', 'initialLoss'), m.figureOf('initial-loss', 'graderLossOnFirstBatch')];
  if (!m.failed('initial-loss') || first === null || own === null || own <= 0) return [];
  const ratio = first / own;
  const batch = m.figure('batchSize');
  const summed = ratio > 4 && ((batch !== null && Math.abs(ratio - batch) < 0.2 * batch) || Math.abs(ratio - Math.round(ratio)) < 0.05);
  if (summed) return [];
  if (first < 0.1 * own) return nearZeroFirstLoss(m, first, own);
  return [
    [
      'initial-loss',
      [
        cause('training/loss-function', 2, `your first loss is ${compact(first)}, the grader's cross-entropy of your model on that batch ${compact(own)}: a loss computed another way?`),
        cause('training/preprocessing', 1, `your first loss ${compact(first)} is not your model's loss on the batch the DataLoader gave (${compact(own)}): the batch changed inside the step?`),
        cause('training/process', 1, `your first loss ${compact(first)} is not the loss of the first step (${compact(own)}): the number reported is another step's, or another quantity?`),
      ],
    ],
  ];
}

/**
 * A first loss near 0 is the check's sign of a last layer with one unit (a
 * softmax over one class is 1, its cross-entropy 0). But when the grader's own
 * cross-entropy of the same untrained model on the same batch is about chance
 * level, the model gives one score per class: the number near 0 comes from the
 * loss, one made for another problem (a squared error against one-hot labels
 * starts near 0.1).
 */
function nearZeroFirstLoss(m: Measured, first: number, own: number): [string, Cause[]][] {
  const expected = m.figureOf('initial-loss', 'expected');
  if (expected === null || own < 0.5 * expected || own > 2 * expected) return [];
  return [
    [
      'initial-loss',
      [
        cause('training/loss-function', 3, `your first loss is ${compact(first)}, though the grader's cross-entropy of your untrained model on that batch is ${compact(own)}, about chance level: the model has its outputs, so the loss is computed another way (a loss for another problem, e.g. squared error)?`),
        cause('training/process', 1, `your first loss ${compact(first)} is not your model's cross-entropy on that batch (${compact(own)}): the number reported is another quantity?`),
      ],
    ],
  ];
}

/**
 * The unshuffled-classes detector reads leaps of the loss as batches of one
 * class after another, assuming steps of the README's size. When the optimizer
 * check measured steps of another optimizer or other settings, those steps
 * explain a jumpy curve (and a model pushed to one class) directly: the guess
 * about the data's order is dropped from the checks that carry it.
 */
function leapsOfOtherSteps(m: Measured, lesson: LessonResult): [string, Cause[]][] {
  if (!m.ran('optimizer') || !m.failed('optimizer') || (m.figureOf('optimizer', 'differing') ?? 0) === 0) return [];
  return lesson.checks
    .filter((check) => check.status !== 'pass' && check.causes.some(isUnshuffledGuess))
    .map((check) => [check.id, check.causes.filter((c) => !isUnshuffledGuess(c))]);
}

/**
 * A check that errored names no causes; what its exception says does
 * (errors.ts). One exception that several checks report, because the run they
 * share failed, is one symptom and counts once.
 */
function thrown(lesson: LessonResult): [string, Cause[]][] {
  const seen = new Set<string>();
  return lesson.checks
    .filter((check) => check.status === 'error' && check.causes.length === 0)
    .map((check) => {
      const key = errorKey(check.message);
      const first = !seen.has(key);
      seen.add(key);
      return [check.id, first ? errorCauses(check.message) : []];
    });
}

export function evidence(lesson: LessonResult): Evidence {
  const m = measured(lesson);
  return {
    causes: [...divergence(m), ...negativeLoss(m), ...belowChance(m), ...tooHighFromTheStart(m), ...updateSizes(m), ...movedButFlat(m), ...rebound(m), ...trainTestGap(m), ...optimizerRestarts(m), ...dataByElimination(m), ...summedLoss(m)],
    // Later entries win: a dead-relu explained by a blow-up counts for nothing, whatever its own causes.
    explains: new Map([...thrown(lesson), ...leapsOfOtherSteps(m, lesson), ...firstLossMismatch(m), ...refutedStepGuesses(m, lesson), ...leakSize(m), ...leakOfRestartedOptimizers(m), ...deadAfterDivergence(m), ...partialEpochs(lesson, m), ...loopUnlikeAutodiff(m, lesson)]),
  };
}
