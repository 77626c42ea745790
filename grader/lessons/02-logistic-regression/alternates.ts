// Correct alternatives to lesson 2's solution: the same maths written another way.
// Each must get full marks on every seed (`npm run mutants -- --alternates`).
import type { AlternateInput } from '../../catalog.ts';

const lesson = '02-logistic-regression';
const file = 'logistic-regression.ts';

const BCE = `    const softplusOfMinusAbs = tf.log1p(tf.exp(logits.abs().neg()));
    return tf.relu(logits).sub(logits.mul(labels)).add(softplusOfMinusAbs).mean() as tf.Scalar;`;

export default [
  {
    id: 'logreg-bce-log-sigmoid',
    lesson,
    file,
    title: 'cross-entropy with tf.logSigmoid',
    why: 'log p = logSigmoid(z) and log(1 - p) = logSigmoid(-z), both finite for any z; the course fixes tfjs 4.22’s gradient of logSigmoid.',
    patch: {
      find: BCE,
      replace: '    return tf.add(labels.mul(tf.logSigmoid(logits)), tf.sub(1, labels).mul(tf.logSigmoid(logits.neg()))).mean().neg() as tf.Scalar;',
    },
  },
  {
    id: 'logreg-bce-tf-losses',
    lesson,
    file,
    title: 'tf.losses.sigmoidCrossEntropy',
    why: "tfjs's sigmoid cross-entropy takes logits and is computed in the same stable form.",
    patch: { find: BCE, replace: '    return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;' },
  },
  {
    id: 'logreg-bce-softplus',
    lesson,
    file,
    title: 'cross-entropy as softplus(z) - y z',
    why: '-[y log σ(z) + (1 - y) log(1 - σ(z))] = softplus(z) - y z, and tf.softplus is stable.',
    patch: { find: BCE, replace: '    return tf.softplus(logits).sub(logits.mul(labels)).mean() as tf.Scalar;' },
  },
  {
    id: 'logreg-sigmoid-by-hand',
    lesson,
    file,
    title: 'sigmoid written as 1 / (1 + e^-z)',
    why: 'The same function; predictions only need it for moderate logits.',
    patch: {
      find: 'return tf.tidy(() => tf.sigmoid(model.predict(x) as tf.Tensor2D));',
      replace: 'return tf.tidy(() => tf.div(1, tf.exp((model.predict(x) as tf.Tensor2D).neg()).add(1)) as tf.Tensor2D);',
    },
  },
  {
    id: 'logreg-optimizer-minimize',
    lesson,
    file,
    title: 'optimizer.minimize instead of variableGrads',
    why: 'minimize takes the gradients of the returned loss and applies them: the same step.',
    patch: {
      find: `      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(
          () => binaryCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
          parameters,
        );
        optimizer.applyGradients(grads);
        return value;
      });`,
      replace: `      const loss = optimizer.minimize(
        () => binaryCrossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
        true,
        parameters,
      )!;`,
    },
  },
  {
    id: 'logreg-evaluate-by-count',
    lesson,
    file,
    title: 'accuracy as a count over the size',
    why: 'The number of right predictions over the number of examples is their mean.',
    patch: {
      find: 'return tf.tidy(() => predictClasses(model, data.x, threshold).equal(data.y).mean().dataSync()[0]!);',
      replace: 'return tf.tidy(() => predictClasses(model, data.x, threshold).equal(data.y).sum().dataSync()[0]! / data.x.shape[0]);',
    },
  },
  {
    id: 'logreg-default-initialiser',
    lesson,
    file,
    title: "the dense layer's default initialiser (Glorot uniform)",
    why: 'The loss is convex in the weights, so any small start reaches the same minimum; the first loss moves around ln 2 (initial-loss allows the spread of the standard initialisers).',
    patch: {
      find: "tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros' })",
      replace: 'tf.layers.dense({ inputShape: [inputs], units: 1 })',
    },
  },
  {
    id: 'logreg-functional-api',
    lesson,
    file,
    title: 'functional API (tf.model)',
    why: 'tf.input, the dense layer applied to it, and tf.model make the same linear model; the grader needs a LayersModel.',
    patch: {
      // The marker lines of the student region are gone when a patch is planted.
      find: `export function createModel(inputs: number): tf.Sequential {
  // Zero weights give p = 0.5 for every example: a fair start, and the loss is convex, so no symmetry to break.
  return tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units: 1, kernelInitializer: 'zeros' })] });`,
      replace: `export function createModel(inputs: number): tf.LayersModel {
  const input = tf.input({ shape: [inputs] });
  const logit = tf.layers.dense({ units: 1, kernelInitializer: 'zeros' }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logit });`,
    },
  },
] satisfies AlternateInput[];
