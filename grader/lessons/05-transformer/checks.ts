// Lesson 5: a transformer encoder classifying SpamAssassin e-mails. The parts
// (input-checks.ts, attention-checks.ts, encoder-checks.ts) are compared with
// the grader's own plain-number versions on fixed inputs; then one training
// run on the committed subset is compared with the calibrated reference, and
// part 2 (fine-tune-run.ts, fine-tune.ts) fine-tunes the course's pretrained encoder.
import { loadSpamAssassinSubset } from '#lib/data/spam-assassin.ts';
import { tf } from '#lib/tf.ts';
import { probeLoss } from '../../checks/classifier.ts';
import { optimizerCheck, scheduleChecks } from '../../checks/prescriptions.ts';
import { gradientFlowCheck, gradientNorms } from '../../checks/gradient-flow.ts';
import { overfitCheck, overfitOneBatch } from '../../checks/overfit-one-batch.ts';
import { evaluationCheck, type EvaluatedRun } from '../../checks/evaluation.ts';
import { recordTraining } from '../../checks/trace.ts';
import { accuracyCheck, calibrateFrom, classifierRunChecks, noLeakCheck } from '../../checks/training-checks.ts';
import { defineLesson, type LessonContext } from '../../lesson.ts';
import { attentionPadding, attentionReference, attentionRows, multiHeadReference } from './attention-checks.ts';
import { encoderBlockReference, layerNormCheck, paddingInvariance, permutation, pooling, shapes } from './encoder-checks.ts';
import { fineTuneChecks } from './fine-tune.ts';
import { calibrateFineTune, FINE_TUNE_FILE, fineTuneFixture, fineTuneForGrading, PART } from './fine-tune-run.ts';
import { embeddingCheck, positionalEncodingCheck, tokenisation } from './input-checks.ts';
import { CLASSES, FILE, load, transformerClassifier, withSmallModel } from './student-model.ts';
import { disposeModel, variablesOf } from './variables.ts';

/** Messages in the overfitting probe's one batch. */
const OVERFIT_MESSAGES = 16;

// ---------------------------------------------------------------------------
// The training run
// ---------------------------------------------------------------------------

const training = 'training';

async function trainForGrading(ctx: LessonContext): Promise<EvaluatedRun> {
  const t = await load(ctx);
  const data = loadSpamAssassinSubset();
  const h = t.hyperparameters;
  const vocabulary = t.buildVocabulary(data.train.texts, h.vocabularySize);
  const train = t.toTensors(data.train, vocabulary, h.maxLength);
  const test = t.toTensors(data.test, vocabulary, h.maxLength);
  const model = t.createModel({
    vocabularySize: vocabulary.tokens.length,
    dModel: h.dModel,
    heads: h.heads,
    dFeedForward: h.dFeedForward,
    blocks: h.blocks,
    numClasses: CLASSES,
  });
  const trainingExamples = train.labels.shape[0];
  const variables = variablesOf(model);
  const trace = await recordTraining(
    () => variables,
    (report) => t.train(model, train, { seed: ctx.seed, report }),
    ([ids, labels]) => tf.tidy(() => probeLoss(t.classify(model, ids as tf.Tensor2D), labels as tf.Tensor1D).dataSync()[0]!),
  );
  // The grader counts correct predictions itself, in batches, with the trained model.
  let correct = 0;
  const count = test.labels.shape[0];
  for (let start = 0; start < count; start += 200) {
    const size = Math.min(200, count - start);
    correct += tf.tidy(() => {
      const logits = t.classify(model, test.ids.slice([start, 0], [size, -1]));
      return logits.argMax(-1).equal(test.labels.slice([start], [size])).sum().dataSync()[0]!;
    });
  }
  // The student's evaluate() on the same model, for evaluation-agrees; its error is that check's alone.
  let studentAccuracy: EvaluatedRun['studentAccuracy'];
  try {
    studentAccuracy = await t.evaluate(model, test);
  } catch (error) {
    studentAccuracy = { error: error instanceof Error ? error.message : String(error) };
  }
  tf.dispose([train.ids, train.labels, test.ids, test.labels]);
  disposeModel(model);
  return { trace, metrics: { accuracy: correct / count, messagesSeen: trace.losses.length * h.batchSize }, trainingExamples, studentAccuracy };
}

/**
 * Where a correct first loss lies when the grader cannot compute it on the same
 * batch (no DataLoader): the given createModel's loss on a first batch of 32,
 * tolerance bounds over 30 seeds 0.642 to 0.745
 * (`npx tsx grader/instructor/initial-loss-bands.ts`).
 */
const INITIAL_LOSS_BAND = { low: 0.64, high: 0.75 };
/** What the README prescribes; the prescription checks compare the student's run with it. */
const README = { batchSize: 32, epochs: 3, learningRate: 0.003 };

const gradientsFlow = gradientFlowCheck({
  points: 1,
  measure: (ctx) =>
    withSmallModel(ctx, (t, model) => {
      // Eight messages of several lengths, five of one class and three of the other: with
      // one message per class the two halves of a bias gradient nearly cancel.
      const messages = [
        [5, 9, 13, 2, 0, 0],
        [7, 3, 11, 17, 25, 8],
        [4, 12, 0, 0, 0, 0],
        [21, 6, 19, 10, 0, 0],
        [14, 2, 27, 5, 30, 0],
        [8, 16, 3, 0, 0, 0],
        [29, 11, 7, 22, 18, 9],
        [6, 24, 15, 0, 0, 0],
      ];
      const ids = tf.tensor2d(messages, [messages.length, 6], 'int32');
      const labels = tf.tensor1d([0, 1, 0, 0, 1, 0, 1, 0], 'int32');
      return gradientNorms(transformerClassifier(t, model), ids, labels, CLASSES);
    }),
  zeroByDesign: {
    test: (name) => /attention\.key\.b$/.test(name),
    why: 'a key bias adds the same amount to all of a query’s scores, which the softmax ignores',
  },
});

/** The first messages of the training set, encoded, through a fresh model of the lesson's size. */
const overfit = overfitCheck({
  points: 1,
  async measure(ctx) {
    const t = await load(ctx);
    const data = loadSpamAssassinSubset();
    const h = t.hyperparameters;
    const vocabulary = t.buildVocabulary(data.train.texts, h.vocabularySize);
    const batch = { texts: data.train.texts.slice(0, OVERFIT_MESSAGES), labels: data.train.labels.slice(0, OVERFIT_MESSAGES) };
    const { ids, labels } = t.toTensors(batch as typeof data.train, vocabulary, h.maxLength);
    const model = t.createModel({ vocabularySize: vocabulary.tokens.length, dModel: h.dModel, heads: h.heads, dFeedForward: h.dFeedForward, blocks: h.blocks, numClasses: CLASSES });
    try {
      return overfitOneBatch(transformerClassifier(t, model), ids, labels, CLASSES);
    } finally {
      tf.dispose([ids, labels]);
      disposeModel(model);
    }
  },
});

export default defineLesson({
  id: '05-transformer',
  title: 'A transformer encoder for text classification',
  files: [FILE, FINE_TUNE_FILE],
  fixtures: {
    [training]: { timeoutMs: 150_000, run: trainForGrading },
    [fineTuneFixture]: { timeoutMs: 120_000, run: fineTuneForGrading },
  },
  calibrate: calibrateFrom(training),
  // Part 2 keeps its calibration in reference-fine-tune.json, apart from part 1's.
  calibrateParts: { [PART]: calibrateFineTune },
  // Its pass marks come from the solution and fine-tune.ts's alternates (calibrate --alternates).
  partFiles: { [PART]: FINE_TUNE_FILE },
  // Only part 2's checks load fine-tune.ts.
  checksOfFile: { [FINE_TUNE_FILE]: fineTuneChecks.map((check) => check.id) },
  checks: [
    tokenisation,
    positionalEncodingCheck,
    embeddingCheck,
    attentionReference,
    attentionRows,
    attentionPadding,
    multiHeadReference,
    layerNormCheck,
    encoderBlockReference,
    shapes,
    permutation,
    pooling,
    paddingInvariance,
    gradientsFlow,
    overfit,
    ...classifierRunChecks({
      fixture: training,
      initialLoss: { expected: Math.log(CLASSES), expectedText: 'ln(2) = 0.693 for 2 classes', band: INITIAL_LOSS_BAND },
      resolution: 0.01,
    }),
    optimizerCheck({
      fixture: training,
      points: 1,
      className: 'Adam',
      settings: { learningRate: README.learningRate },
      text: `Adam with learning rate ${README.learningRate} (tf.train.adam)`,
    }),
    ...scheduleChecks({ fixture: training, ...README }),
    noLeakCheck({ fixture: training, points: 1 }),
    accuracyCheck({
      fixture: training,
      classes: CLASSES,
      points: 2,
      resolution: 0.005,
      causes: 'Look at the failing checks above first; if they all pass, compare your hyperparameters and training loop with the lesson README.',
    }),
    evaluationCheck({ fixture: training, points: 1 }),
    // Part 2: fine-tuning the course's pretrained encoder (fine-tune.ts).
    ...fineTuneChecks,
  ],
});
