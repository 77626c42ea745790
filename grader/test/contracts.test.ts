// Every variant of a lesson keeps its contract (lib/contracts/NN-name.ts): the
// exports the grader relies on, with their types. `npm run typecheck` proves
// it through the type assertions below; the test proves the names exist at run time.
import { expect } from 'chai';
import type { LinearRegression } from '#lib/contracts/01-linear-regression.ts';
import type { LogisticRegression } from '#lib/contracts/02-logistic-regression.ts';
import type { Cnn, Pretrained } from '#lib/contracts/03-cnn.ts';
import type * as LinearBugs from '../../bugs/01-linear-regression/linear-regression.ts';
import type * as LinearExercise from '../../exercise/01-linear-regression/linear-regression.ts';
import type * as LinearSolution from '../../solutions/01-linear-regression/linear-regression.ts';
import type * as LogisticBugs from '../../bugs/02-logistic-regression/logistic-regression.ts';
import type * as LogisticExercise from '../../exercise/02-logistic-regression/logistic-regression.ts';
import type * as LogisticSolution from '../../solutions/02-logistic-regression/logistic-regression.ts';
import type { Backprop } from '#lib/contracts/04-backprop.ts';
import type * as BackpropBugs from '../../bugs/04-backprop/backprop.ts';
import type * as BackpropExercise from '../../exercise/04-backprop/backprop.ts';
import type * as BackpropSolution from '../../solutions/04-backprop/backprop.ts';
import type { Encoder, FineTuning } from '#lib/contracts/05-transformer.ts';
import type * as FineTuneBugs from '../../bugs/05-transformer/fine-tune.ts';
import type * as EncoderBugs from '../../bugs/05-transformer/transformer.ts';
import type * as FineTuneExercise from '../../exercise/05-transformer/fine-tune.ts';
import type * as EncoderExercise from '../../exercise/05-transformer/transformer.ts';
import type * as FineTuneSolution from '../../solutions/05-transformer/fine-tune.ts';
import type * as EncoderSolution from '../../solutions/05-transformer/transformer.ts';
import type * as CnnBugs from '../../bugs/03-cnn/cnn.ts';
import type * as PretrainedBugs from '../../bugs/03-cnn/pretrained.ts';
import type * as CnnExercise from '../../exercise/03-cnn/cnn.ts';
import type * as PretrainedExercise from '../../exercise/03-cnn/pretrained.ts';
import type * as CnnSolution from '../../solutions/03-cnn/cnn.ts';
import type * as PretrainedSolution from '../../solutions/03-cnn/pretrained.ts';

/** Fails to type-check unless `Module` has every export of `Contract`, with a compatible type. */
type Keeps<Contract, Module extends Contract> = [Contract, Module];

export type Kept = [
  Keeps<LinearRegression, typeof LinearSolution>,
  Keeps<LinearRegression, typeof LinearExercise>,
  Keeps<LinearRegression, typeof LinearBugs>,
  Keeps<LogisticRegression, typeof LogisticSolution>,
  Keeps<LogisticRegression, typeof LogisticExercise>,
  Keeps<LogisticRegression, typeof LogisticBugs>,
  Keeps<Cnn, typeof CnnSolution>,
  Keeps<Cnn, typeof CnnExercise>,
  Keeps<Cnn, typeof CnnBugs>,
  Keeps<Pretrained, typeof PretrainedSolution>,
  Keeps<Pretrained, typeof PretrainedExercise>,
  Keeps<Pretrained, typeof PretrainedBugs>,
  Keeps<Backprop, typeof BackpropSolution>,
  Keeps<Backprop, typeof BackpropExercise>,
  Keeps<Backprop, typeof BackpropBugs>,
  Keeps<Encoder, typeof EncoderSolution>,
  Keeps<Encoder, typeof EncoderExercise>,
  Keeps<Encoder, typeof EncoderBugs>,
  Keeps<FineTuning, typeof FineTuneSolution>,
  Keeps<FineTuning, typeof FineTuneExercise>,
  Keeps<FineTuning, typeof FineTuneBugs>,
];

/** The contracts' exports by lesson file, as the grader loads them. */
const EXPORTS: Record<string, (keyof LinearRegression | keyof LogisticRegression | keyof Cnn | keyof Pretrained | keyof Backprop | keyof Encoder | keyof FineTuning)[]> = {
  '01-linear-regression/linear-regression.ts': ['hyperparameters', 'WAGE_FEATURES', 'makeSyntheticData', 'loadWages', 'standardize', 'addBiasColumn', 'prepareFeatures', 'leastSquares', 'mseLoss', 'mseGradient', 'autodiffGradient', 'initWeights', 'gradientDescent', 'rSquared', 'main'],
  '02-logistic-regression/logistic-regression.ts': ['hyperparameters', 'NEGATIVE_CLASS', 'POSITIVE_CLASS', 'toBinaryTensors', 'makeBlobs', 'createModel', 'predictProbabilities', 'binaryCrossEntropy', 'train', 'predictClasses', 'evaluate', 'main'],
  '03-cnn/cnn.ts': ['hyperparameters', 'loadData', 'toTensors', 'createModel', 'lossFunction', 'createOptimizer', 'train', 'evaluate', 'main'],
  '03-cnn/pretrained.ts': ['fineTuningHyperparameters', 'IMAGES_PER_CLASS', 'newClassData', 'buildTransferModel', 'fineTune', 'main'],
  '04-backprop/backprop.ts': ['hyperparameters', 'parameterNames', 'toTensors', 'initParameters', 'forward', 'logSoftmax', 'crossEntropy', 'backward', 'sgdStep', 'trainStep', 'train', 'evaluate', 'main'],
  '05-transformer/transformer.ts': ['hyperparameters', 'PAD', 'UNK', 'loadData', 'words', 'buildVocabulary', 'encodeText', 'toTensors', 'paddingMask', 'createModel', 'parameters', 'linear', 'positionalEncoding', 'embed', 'attention', 'multiHeadAttention', 'layerNorm', 'feedForward', 'encoderBlock', 'encode', 'meanPool', 'classify', 'lossFunction', 'train', 'evaluate', 'main'],
  '05-transformer/fine-tune.ts': ['fineTuningHyperparameters', 'fewLabels', 'bodyVariables', 'loadTokenizer', 'loadPretrained', 'tokenize', 'toExamples', 'collate', 'classify', 'parameterGroups', 'learningRateAt', 'shuffledBatches', 'fineTune', 'f1Score', 'predict', 'evaluate', 'main'],
};

describe('lesson contracts', () => {
  for (const variant of ['solutions', 'exercise', 'bugs']) {
    for (const [file, names] of Object.entries(EXPORTS)) {
      it(`${variant}/${file} exports what its contract declares`, async () => {
        const module = (await import(`../../${variant}/${file}`)) as Record<string, unknown>;
        expect(names.filter((name) => module[name] === undefined)).to.deep.equal([]);
      });
    }
  }
});
