// Checks for lesson 1: linear regression by least squares and by gradient descent.
//
// The grader solves every least-squares problem itself in double precision,
// differentiates the mean squared error with tf.grad, and computes R² on a
// held-out split of the CPS 1985 wages that the student's code never chooses.
import type { LinearRegression } from '#lib/contracts/01-linear-regression.ts';
import { loadCps1985Wages } from '#lib/data/wages.ts';
import { randomGenerator } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import { learningRateCheck, type MeasuredRate } from '../../checks/prescriptions.ts';
import { recordTraining, type TrainingRun } from '../../checks/trace.ts';
import { calibrateFrom, lossCurveCheck, metricCheck, noLeakCheck, weightsMovedCheck } from '../../checks/training-checks.ts';
import { cause, type Cause } from '../../faults.ts';
import { precise, shapeText } from '../../format.ts';
import { CheckFailure, defineLesson, type Check, type LessonContext } from '../../lesson.ts';

type Module = LinearRegression;
const FILE = 'linear-regression.ts';

// ---------------------------------------------------------------------------
// The grader's own linear algebra, in double precision
// ---------------------------------------------------------------------------

type Matrix = number[][];

const rowsOf = (t: tf.Tensor) => t.arraySync() as Matrix;
const column = (t: tf.Tensor) => Array.from(t.dataSync());

/** Least squares by Householder QR in float64 (the columns of X must be independent). */
function solveLeastSquares(X: Matrix, y: number[]): number[] {
  const m = X.length;
  const n = X[0]!.length;
  const A = X.map((row) => row.slice());
  const b = y.slice();
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += A[i]![k]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = A[k]![k]! > 0 ? -norm : norm;
    const v = A.map((row, i) => (i < k ? 0 : row[k]!));
    v[k]! -= alpha;
    const vv = v.reduce((sum, value) => sum + value * value, 0);
    if (vv === 0) continue;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i]! * A[i]![j]!;
      for (let i = k; i < m; i++) A[i]![j]! -= (2 * dot * v[i]!) / vv;
    }
    let dot = 0;
    for (let i = k; i < m; i++) dot += v[i]! * b[i]!;
    for (let i = k; i < m; i++) b[i]! -= (2 * dot * v[i]!) / vv;
  }
  const w = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let j = i + 1; j < n; j++) sum -= A[i]![j]! * w[j]!;
    w[i] = sum / A[i]![i]!;
  }
  return w;
}

function meanSquaredError(X: Matrix, y: number[], w: readonly number[]): number {
  return X.reduce((sum, row, i) => sum + (row.reduce((s, x, j) => s + x * w[j]!, 0) - y[i]!) ** 2, 0) / X.length;
}

function rSquaredOf(y: number[], predictions: number[]): number {
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const residual = y.reduce((s, v, i) => s + (v - predictions[i]!) ** 2, 0);
  const total = y.reduce((s, v) => s + (v - mean) ** 2, 0);
  return 1 - residual / total;
}

const predict = (X: Matrix, w: readonly number[]) => X.map((row) => row.reduce((s, x, j) => s + x * w[j]!, 0));
const vectorNorm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Design matrix [1, features...] and targets from the given seed: well conditioned, with noise. */
function syntheticProblem(rows: number, scales: number[], seed: number) {
  const random = randomGenerator(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const trueW = [0.7, ...scales.map((_, j) => (j % 2 === 0 ? 1.5 : -2) / scales[j]!)];
  const X = Array.from({ length: rows }, () => [1, ...scales.map((scale) => scale * normal())]);
  const y = X.map((row) => row.reduce((s, x, j) => s + x * trueW[j]!, 0) + 0.1 * normal());
  return { X: X.map((row) => row.map(Math.fround)), y: y.map(Math.fround) };
}

// ---------------------------------------------------------------------------
// The wages run: the student's features, gradient descent and least squares
// ---------------------------------------------------------------------------

interface WagesRun extends TrainingRun {
  /** Gradient descent's final w. */
  gradientDescentW: number[];
  /** The grader's exact least-squares w on the student's design matrix. */
  exactW: number[];
  /** Columns of the student's design matrix. */
  columns: number;
  /** The learning rate of the first update, as far as it could be measured (see measureRate). */
  rate: MeasuredRate;
  /** What the first reported loss should be, and what it is when a known mistake made it (see firstLossCheck). */
  firstLoss: FirstLoss;
}

/** The same features and split as the lesson's loadWages, made by the grader. */
function graderWages() {
  const records = loadCps1985Wages();
  const random = randomGenerator(1985);
  const keys = records.map(() => random());
  const order = records.map((_, i) => i).sort((a, b) => keys[a]! - keys[b]!);
  const testCount = Math.round(0.25 * records.length);
  const pick = (indices: number[]) => ({
    x: tf.tensor2d(indices.map((i) => [records[i]!.education, records[i]!.experience])),
    y: tf.tensor2d(indices.map((i) => [Math.log(records[i]!.wage)])),
  });
  return { test: pick(order.slice(0, testCount)), train: pick(order.slice(testCount)) };
}

async function fitWages(ctx: LessonContext): Promise<WagesRun> {
  const student = await ctx.load<Module>(FILE);
  const { train, test } = graderWages();
  const features = student.prepareFeatures(train.x, test.x);
  const weights = student.initWeights(features.train.shape[1]);
  const start = column(weights);
  // w at the first two reports: between two consecutive reports lies exactly one update, whether report is called before or after it.
  const snapshots: number[][] = [];
  const trace = await recordTraining(() => [{ name: 'w', variable: weights }], async (report) =>
    student.gradientDescent(weights, features.train, train.y, {
      report: (loss) => {
        if (snapshots.length < 2) snapshots.push(column(weights));
        report(loss);
      },
    }),
  );
  const gradientDescentW = column(weights);
  const trainX = rowsOf(features.train);
  const rate = measureRate(student, features.train, train.y, snapshots);
  const firstLoss = lossesAroundFirstUpdate(student, features.train, train.y, start, snapshots);
  const exactW = solveLeastSquares(trainX, column(train.y));
  const testX = rowsOf(features.test);
  const testY = column(test.y);
  const heldOutR2 = rSquaredOf(testY, predict(testX, gradientDescentW));
  const exactR2 = rSquaredOf(testY, predict(testX, exactW));
  const columns = features.train.shape[1];
  tf.dispose([train.x, train.y, test.x, test.y, features.train, features.test, weights]);
  return { trace, metrics: { heldOutR2, exactR2 }, gradientDescentW, exactW, columns, rate, firstLoss };
}

interface FirstLoss {
  /** The grader's mean squared error of the starting w, in double precision. */
  atStart: number;
  /** The student's own mseLoss of the starting w (null if it failed): a wrong mseLoss is mse-loss's fault, not the loop's. */
  studentsAtStart: number | null;
  /** The grader's mean squared error of w after the first update (null when no update was seen). */
  afterFirstUpdate: number | null;
}

function lossesAroundFirstUpdate(student: Module, X: tf.Tensor2D, y: tf.Tensor2D, start: number[], snapshots: number[][]): FirstLoss {
  const rows = rowsOf(X);
  const targets = column(y);
  // Whether report runs before or after the update, the first w unlike the start is the one after the first update.
  const updated = snapshots.find((w) => w.some((value, i) => value !== start[i]));
  let studentsAtStart: number | null = null;
  try {
    const w = tf.tensor2d(start, [start.length, 1]);
    studentsAtStart = tf.tidy(() => student.mseLoss(X, y, w).dataSync()[0]!);
    w.dispose();
  } catch {
    // mse-loss reports mseLoss's errors.
  }
  return {
    atStart: meanSquaredError(rows, targets, start),
    studentsAtStart,
    afterFirstUpdate: updated ? meanSquaredError(rows, targets, updated) : null,
  };
}

/**
 * The same relative tolerance as mse-loss. Measured: the solution and every
 * alternate report a first loss 1.0e-7 (relative) from the grader's
 * double-precision one, on seeds 0 to 2 (`npm run mutants -- --alternates
 * --seeds 0-2 -l 01-linear-regression`); the first update at the README's
 * learning rate lowers the loss by 34%.
 */
const FIRST_LOSS_TOLERANCE = 1e-4;

const sameLoss = (a: number | null, b: number | null) => a !== null && b !== null && Math.abs(a - b) <= FIRST_LOSS_TOLERANCE * Math.max(Math.abs(b), 1e-12);

/** gradientDescent's first reported loss is the loss of w before the first update, as the contract's report says. */
const firstLossCheck = (fixture: string): Check => ({
  id: 'first-loss',
  title: 'the first loss reported is the mean squared error of w before the first update',
  points: 1,
  buildsOn: ['mse-loss'],
  needs: [fixture],
  async run(ctx) {
    const { trace, firstLoss } = await ctx.fixture<WagesRun>(fixture);
    const reported = trace.losses[0];
    if (reported === undefined) throw new CheckFailure('gradient descent reported no loss: call options.report(loss) after every step');
    const { atStart, studentsAtStart, afterFirstUpdate } = firstLoss;
    const figures = { reported, atStart, studentsAtStart, afterFirstUpdate };
    if (sameLoss(reported, atStart) || sameLoss(reported, studentsAtStart)) {
      return { message: `${precise(reported, 6)}, the loss of the starting w (the grader's: ${precise(atStart, 6)})`, figures };
    }
    const afterUpdate = sameLoss(reported, afterFirstUpdate);
    const half = sameLoss(2 * reported, atStart);
    const what = afterUpdate
      ? `that is the loss of w after the first update (${precise(afterFirstUpdate, 6)}): compute the loss before you change w, and report that`
      : half
        ? 'that is half the mean squared error: the ½ of some textbooks’ cost belongs in neither the loss nor its report here'
        : 'report the mean squared error your step computed from w before updating it';
    throw new CheckFailure(
      `gradient descent's first reported loss is ${precise(reported, 6)}; the mean squared error of the starting w on the same data is ${precise(atStart, 6)}: ${what}.`,
      figures,
      afterUpdate
        ? [cause('training/process', 3, 'the loss reported after the update, not before it')]
        : [cause('training/loss-function', 2, 'the number reported is not the mean squared error'), cause('training/process', 1, 'the loss reported is not that of w before the step')],
    );
  },
});

/**
 * The learning rate of one update d from w: d = -rate g(w), with g the
 * student's own mseGradient (so a wrong gradient, which gradient-formula
 * judges, does not read as a wrong rate), else the grader's. An update that is
 * not along either gradient has no single rate.
 */
function measureRate(student: Module, X: tf.Tensor2D, y: tf.Tensor2D, snapshots: number[][]): MeasuredRate {
  const how = 'from the first update of w and the gradient at w before it';
  if (snapshots.length < 2) return { rate: null, how: 'from one update: training reported fewer than 2 losses' };
  const [before, after] = snapshots as [number[], number[]];
  const update = after.map((v, i) => v - before[i]!);
  const rows = rowsOf(X);
  const targets = column(y);
  const residual = rows.map((row, n) => row.reduce((s, x, j) => s + x * before[j]!, 0) - targets[n]!);
  const graders = before.map((_, j) => (2 / rows.length) * rows.reduce((s, row, n) => s + row[j]! * residual[n]!, 0));
  let students: number[] | undefined;
  try {
    const w = tf.tensor2d(before, [before.length, 1]);
    students = tf.tidy(() => column(student.mseGradient(X, y, w)));
    w.dispose();
  } catch {
    // mseGradient's own check reports its errors.
  }
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  for (const gradient of [students, graders]) {
    if (!gradient || gradient.length !== update.length || dot(gradient, gradient) === 0) continue;
    const cosine = -dot(update, gradient) / Math.sqrt(dot(update, update) * dot(gradient, gradient));
    if (cosine > 0.9999) return { rate: -dot(update, gradient) / dot(gradient, gradient), how };
  }
  return { rate: null, how: 'the first update of w is not along minus the gradient (see gradient-formula)' };
}

const wages = 'wages';
/** What the README prescribes: the learning rate tuned for standardised features. */
const README = { learningRate: 0.1 };

/** Why a wages run is off, from what it measured. */
function wagesSuspects(run: TrainingRun): Cause[] {
  const causes: Cause[] = [];
  const exact = run.metrics.exactR2;
  if (exact !== undefined && exact < 0) {
    causes.push(cause('model/layers', 3, `even the exact least-squares fit of your design matrix has a held-out R² of ${precise(exact, 3)}: without a column of ones the model has no intercept`));
  }
  const losses = run.trace.losses;
  if (losses.some((loss) => !Number.isFinite(loss)) || (losses.length > 1 && losses.at(-1)! > losses[0]!)) {
    causes.push(cause('training/preprocessing', 2, 'gradient descent diverged: features on a larger scale than the learning rate was tuned for, or a gradient too large'));
  }
  return causes;
}

// ---------------------------------------------------------------------------
// The lesson
// ---------------------------------------------------------------------------

export default defineLesson({
  id: '01-linear-regression',
  title: 'Linear regression: least squares and gradient descent',
  files: [FILE],
  fixtures: {
    [wages]: { timeoutMs: 30_000, run: fitWages },
  },
  calibrate: calibrateFrom(wages),
  checks: [
    {
      id: 'bias-column',
      title: 'design matrix: a column of ones, then the features',
      points: 1,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const x = tf.tensor2d([
          [3, -1],
          [0.5, 2],
          [7, 4],
        ]);
        const out = tf.tidy(() => student.addBiasColumn(x));
        const got = rowsOf(out);
        const shape = out.shape;
        tf.dispose([x, out]);
        const expected = [
          [1, 3, -1],
          [1, 0.5, 2],
          [1, 7, 4],
        ];
        if (shapeText(shape) !== '[3, 3]') {
          throw new CheckFailure(
            `for 3 examples of 2 features addBiasColumn() returns shape ${shapeText(shape)}, expected [3, 3]: ` +
              (shape[1] === 2 ? 'the column of ones is missing, so the model has no intercept and every line passes through the origin.' : 'one extra column, no more.'),
            {},
            [cause('model/layers', 3, 'the design matrix has no column of ones: no intercept')],
          );
        }
        if (got.some((row, i) => row.some((value, j) => Math.abs(value - expected[i]![j]!) > 1e-6))) {
          // A column of ones elsewhere still gives an intercept: the layout is wrong. No column of ones gives none.
          const ones = [0, 1, 2].some((j) => got.every((row) => Math.abs(row[j]! - 1) <= 1e-6));
          throw new CheckFailure(
            `addBiasColumn([[3, -1], [0.5, 2], [7, 4]]) gives ${JSON.stringify(got)}; expected the ones in the first column, then the features unchanged`,
            {},
            ones
              ? [cause('tensors-and-inputs/wrong-input', 3, 'the design matrix is assembled wrongly'), cause('model/layers', 1, 'the intercept is not w[0]')]
              : [cause('model/layers', 3, 'the design matrix has no column of ones: no intercept'), cause('tensors-and-inputs/wrong-input', 1, 'the design matrix is assembled wrongly')],
          );
        }
        return 'a column of ones, then the features';
      },
    },
    {
      id: 'standardize',
      title: 'features standardised with the training set’s statistics',
      points: 1,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const trainRows = [
          [10, 0.1],
          [12, 0.4],
          [16, 0.2],
          [8, 0.9],
          [14, 0.3],
        ];
        const testRows = [
          [11, 0.5],
          [20, 0.0],
        ];
        const train = tf.tensor2d(trainRows);
        const test = tf.tensor2d(testRows);
        const out = student.standardize(train, test);
        const [gotTrain, gotTest] = [rowsOf(out.train), rowsOf(out.test)];
        tf.dispose([train, test, out.train, out.test]);
        const mean = [0, 1].map((j) => trainRows.reduce((s, row) => s + row[j]!, 0) / trainRows.length);
        const sumSquares = [0, 1].map((j) => trainRows.reduce((s, row) => s + (row[j]! - mean[j]!) ** 2, 0));
        // The population and the sample standard deviation are both fine.
        const candidates = [trainRows.length, trainRows.length - 1].map((n) => sumSquares.map((ss) => Math.sqrt(ss / n)));
        const scaled = (rows: Matrix, std: number[]) => rows.map((row) => row.map((v, j) => (v - mean[j]!) / std[j]!));
        const close = (a: Matrix, b: Matrix) =>
          a.length === b.length && a.every((row, i) => row.length === b[i]!.length && row.every((v, j) => Math.abs(v - b[i]![j]!) < 1e-4));
        const trainOk = candidates.find((std) => close(gotTrain, scaled(trainRows, std)));
        if (!trainOk) {
          const unchanged = close(gotTrain, trainRows);
          throw new CheckFailure(
            `the standardised training set is ${JSON.stringify(gotTrain.map((row) => row.map((v) => +v.toFixed(3))))}; ` +
              'each feature should have mean 0 and standard deviation 1 over the training set' +
              (unchanged ? ': the features came back unchanged.' : ': is the mean and deviation taken per feature (down each column)?'),
            {},
            [cause('training/preprocessing', 3, 'the features are not standardised')],
          );
        }
        if (!close(gotTest, scaled(testRows, trainOk))) {
          const ownStats = tf.tidy(() => {
            const t = tf.tensor2d(testRows);
            const { mean: m, variance } = tf.moments(t, 0);
            return rowsOf(t.sub(m).div(variance.sqrt()));
          });
          throw new CheckFailure(
            `the standardised test set is ${JSON.stringify(gotTest.map((row) => row.map((v) => +v.toFixed(3))))}, expected ` +
              `${JSON.stringify(scaled(testRows, trainOk).map((row) => row.map((v) => +v.toFixed(3))))}` +
              (close(gotTest, ownStats) ? ': the test set was scaled with its own mean and deviation, which lets the test data leak into the model.' : '.'),
            {},
            [cause('training/preprocessing', 3, 'the test set is not scaled with the training set’s statistics')],
          );
        }
        return 'both sets shifted and scaled with the training set’s mean and standard deviation';
      },
    },
    {
      id: 'least-squares',
      title: 'least squares equals a double-precision solver to 1e-4',
      points: 3,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const cases: [number, number[], number][] = [
          [200, [1, 1, 1], 11],
          [60, [1, 10, 0.1, 3, 0.5], 12],
        ];
        const figures: Record<string, number | null> = {};
        for (const [rows, scales, seed] of cases) {
          const { X, y } = syntheticProblem(rows, scales, seed);
          const expected = solveLeastSquares(X, y);
          const Xt = tf.tensor2d(X);
          const yt = tf.tensor2d(y, [rows, 1]);
          let result: tf.Tensor;
          try {
            result = student.leastSquares(Xt, yt);
          } finally {
            tf.dispose([Xt, yt]);
          }
          const shape = result.shape;
          const got = column(result);
          result.dispose();
          const p = expected.length;
          if (shapeText(shape) !== shapeText([p, 1])) {
            throw new CheckFailure(`for X of shape [${rows}, ${p}] leastSquares() returns shape ${shapeText(shape)}, expected [${p}, 1]: one parameter per column of X`, {}, [
              cause('tensors-and-inputs/wrong-tensor-shape', 3, 'the least-squares solution has the wrong shape'),
            ]);
          }
          const error = Math.max(...got.map((v, i) => Math.abs(v - expected[i]!))) / Math.max(1, ...expected.map(Math.abs));
          figures[`error${rows}x${p}`] = Number.isFinite(error) ? error : null;
          if (!(error <= 1e-4)) {
            const residualRatio = meanSquaredError(X, y, got) / meanSquaredError(X, y, expected);
            throw new CheckFailure(
              `for X of shape [${rows}, ${p}] your w is [${got.map((v) => precise(v)).join(', ')}]; the exact solution is ` +
                `[${expected.map((v) => precise(v)).join(', ')}] (largest difference ${precise(error, 3)} relative, at most 1e-4 passes). ` +
                `Your w's mean squared error is ${precise(residualRatio, 4)} times the smallest possible. ` +
                'Usual causes: a triangular system solved in the wrong order (each unknown needs the ones already found), ' +
                'Q and R used the wrong way round, or a transpose missing.',
              figures,
              // The message's causes, each named: the order of the solve, and matrices the wrong way round or untransposed.
              [
                cause('training/process', 3, 'the closed-form solve is wrong: a triangular system solved in the wrong order?'),
                cause('tensors-and-inputs/wrong-tensor-shape', 1, 'Q and R used the wrong way round, or a transpose missing?'),
              ],
            );
          }
        }
        return { message: 'matches the double-precision solution on two well-conditioned problems', figures };
      },
    },
    {
      id: 'least-squares-collinear',
      title: 'least squares on collinear features: a clear error or a stable fit, never NaN',
      points: 1,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const random = randomGenerator(31);
        const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const rows = 100;
        const x1 = Array.from({ length: rows }, normal);
        const cases = {
          'nearly collinear (x2 = x1 + 1e-4 noise)': x1.map((v) => v + 1e-4 * normal()),
          'collinear (x2 = 0.7 x1)': x1.map((v) => 0.7 * v),
          'collinear with the intercept (x2 = x1 + 10)': x1.map((v) => v + 10),
        };
        const outcomes: string[] = [];
        const figures: Record<string, number | null> = {};
        let index = 0;
        for (const [name, x2] of Object.entries(cases)) {
          index += 1;
          const X = x1.map((v, i) => [1, v, x2[i]!].map(Math.fround));
          const y = x1.map((v, i) => Math.fround(1 + v + x2[i]! + 0.1 * normal()));
          // The best fit without x2 is as good as any: x2 adds (almost) nothing.
          const reduced = X.map((row) => [row[0]!, row[1]!]);
          const best = meanSquaredError(reduced, y, solveLeastSquares(reduced, y));
          const Xt = tf.tensor2d(X);
          const yt = tf.tensor2d(y, [rows, 1]);
          let got: number[] | undefined;
          try {
            const w = student.leastSquares(Xt, yt);
            got = column(w);
            w.dispose();
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            if (message.startsWith('not implemented')) throw error;
            if (!(error instanceof Error) || error instanceof TypeError || error instanceof RangeError || error instanceof ReferenceError || message.trim() === '') {
              throw new CheckFailure(`on ${name} features leastSquares() crashed (${String(error)}) instead of saying what is wrong with X`, figures, [
                cause('api', 2, 'the solver crashes on a singular problem'),
              ]);
            }
            outcomes.push(`${name}: error "${message.slice(0, 80)}"`);
            continue;
          } finally {
            tf.dispose([Xt, yt]);
          }
          const mse = meanSquaredError(X, y, got);
          figures[`mseRatio${index}`] = Number.isFinite(mse) ? mse / best : null;
          if (got.some((v) => !Number.isFinite(v))) {
            throw new CheckFailure(
              `on ${name} features leastSquares() returns w = [${got.map((v) => precise(v)).join(', ')}]: NaN or Infinity instead of a clear error or a finite fit. ` +
                'XᵀX is singular here; in float32 its Cholesky factor or its pivots can become negative or zero. ' +
                'Check the pivots before dividing by them, or solve in a way that does not square the condition number.',
              figures,
              [cause('training/process', 3, 'the closed-form solve returns NaN or Infinity on collinear features')],
            );
          }
          if (!(mse <= best * 1.05 + 1e-9)) {
            throw new CheckFailure(
              `on ${name} features leastSquares() returns w = [${got.map((v) => precise(v)).join(', ')}], whose mean squared error is ` +
                `${precise(mse)}, ${precise(mse / best, 3)} times the best fit's ${precise(best)}: rounding errors blown up by the collinear columns. ` +
                'Either detect the problem and throw a clear error, or solve it stably.',
              figures,
              [cause('training/process', 3, 'the closed-form solve is unstable on collinear features')],
            );
          }
          outcomes.push(`${name}: a fit within ${precise(((mse - best) / best) * 100, 2)}% of the best`);
        }
        return { message: outcomes.join('; '), figures };
      },
    },
    {
      id: 'mse-loss',
      title: 'the loss is the mean squared error',
      points: 1,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const { X, y } = syntheticProblem(40, [1, 2], 41);
        const w = [0.3, -0.2, 0.9];
        const expected = meanSquaredError(X, y, w);
        const [Xt, yt, wt] = [tf.tensor2d(X), tf.tensor2d(y, [40, 1]), tf.tensor2d(w, [3, 1])];
        const loss = tf.tidy(() => student.mseLoss(Xt, yt, wt));
        const got = loss.dataSync()[0]!;
        const shape = loss.shape;
        tf.dispose([Xt, yt, wt, loss]);
        const figures = { loss: Number.isFinite(got) ? got : null, expected };
        if (shape.length !== 0) throw new CheckFailure(`the loss has shape ${shapeText(shape)}; it must be one number, the mean over the examples`, figures);
        if (!(Math.abs(got - expected) <= 1e-4 * expected)) {
          const ratio = got / expected;
          const hint =
            Math.abs(ratio - 40) < 0.1 ? 'it is 40 times too large for 40 examples: a sum where the mean is meant?' : Math.abs(ratio - 0.5) < 0.01 ? 'it is half the mean squared error.' : 'is every residual squared, and the mean taken over all examples?';
          throw new CheckFailure(`for 40 examples your loss is ${precise(got, 6)}; the mean squared error is ${precise(expected, 6)}: ${hint}`, figures, [
            cause('training/loss-function', 3, 'the loss is not the mean squared error'),
          ]);
        }
        return { message: `${precise(got, 6)}, the mean squared error`, figures };
      },
    },
    {
      id: 'gradient-formula',
      title: 'the hand-derived gradient equals tf.grad to 1e-4',
      points: 2,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const rows = 30;
        const { X, y } = syntheticProblem(rows, [1, 2, 0.5], 51);
        const w = [0.2, 0.4, -0.3, 1.1];
        const [Xt, yt, wt] = [tf.tensor2d(X), tf.tensor2d(y, [rows, 1]), tf.tensor2d(w, [4, 1])];
        try {
          const expected = column(tf.tidy(() => tf.grad((v: tf.Tensor) => Xt.matMul(v as tf.Tensor2D).sub(yt).square().mean())(wt)));
          const result = tf.tidy(() => student.mseGradient(Xt, yt, wt));
          const shape = result.shape;
          const got = column(result);
          result.dispose();
          if (shapeText(shape) !== '[4, 1]') {
            throw new CheckFailure(`for w of shape [4, 1] the gradient has shape ${shapeText(shape)}; a gradient has the shape of its parameter`, {}, [
              cause('tensors-and-inputs/wrong-tensor-shape', 3, 'the gradient has the wrong shape'),
            ]);
          }
          const difference = vectorNorm(got.map((v, i) => v - expected[i]!));
          const error = difference / vectorNorm(expected);
          const figures = { relativeError: Number.isFinite(error) ? error : null };
          if (!(error <= 1e-4)) {
            const ratio = got.reduce((s, v, i) => s + v * expected[i]!, 0) / expected.reduce((s, v) => s + v * v, 0);
            const hint =
              Math.abs(ratio + 1) < 0.01
                ? 'it points the opposite way: check the sign of the residual.'
                : Math.abs(ratio - rows) < 0.01 * rows
                  ? `it is ${precise(ratio, 3)} times too large with ${rows} examples: a sum over the examples where the loss takes the mean?`
                  : Math.abs(ratio - 0.5) < 0.01
                    ? 'it is half of the true gradient: the derivative of a square brings down a factor.'
                    : 'redo the derivation of d(loss)/dw with the chain rule through the residual X w - y.';
            throw new CheckFailure(
              `your gradient [${got.map((v) => precise(v)).join(', ')}] differs from tf.grad's [${expected.map((v) => precise(v)).join(', ')}] ` +
                `(relative error ${precise(error, 3)}, at most 1e-4 passes): ${hint}`,
              figures,
              [
                Math.abs(ratio - rows) < 0.01 * rows
                  ? cause('training/hyperparameters', 3, 'the gradient grows with the number of examples, so the right learning rate depends on N')
                  : cause('training/optimiser', 3, 'the hand-derived gradient is wrong'),
              ],
            );
          }
          return { message: `relative error ${precise(error, 2)} against tf.grad`, figures };
        } finally {
          tf.dispose([Xt, yt, wt]);
        }
      },
    },
    {
      id: 'autodiff-gradient',
      title: 'your tf.grad gradient equals the grader’s',
      points: 1,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const rows = 25;
        const { X, y } = syntheticProblem(rows, [1, 3], 61);
        const w = [-0.5, 0.25, 0.75];
        const [Xt, yt, wt] = [tf.tensor2d(X), tf.tensor2d(y, [rows, 1]), tf.tensor2d(w, [3, 1])];
        try {
          const expected = column(tf.tidy(() => tf.grad((v: tf.Tensor) => Xt.matMul(v as tf.Tensor2D).sub(yt).square().mean())(wt)));
          const result = tf.tidy(() => student.autodiffGradient(Xt, yt, wt));
          const got = column(result);
          result.dispose();
          const error = vectorNorm(got.map((v, i) => v - (expected[i] ?? NaN))) / vectorNorm(expected);
          const figures = { relativeError: Number.isFinite(error) ? error : null };
          if (got.length !== expected.length || !(error <= 1e-4)) {
            throw new CheckFailure(
              `autodiffGradient() gives [${got.map((v) => precise(v)).join(', ')}]; the gradient of the mean squared error is ` +
                `[${expected.map((v) => precise(v)).join(', ')}]: is tf.grad taken of mseLoss as a function of w (not of X or y), and is mseLoss right (see mse-loss)?`,
              figures,
              [cause('api', 2, 'tf.grad is applied to the wrong function or argument')],
            );
          }
          return { message: `relative error ${precise(error, 2)} against the grader's tf.grad`, figures };
        } finally {
          tf.dispose([Xt, yt, wt]);
        }
      },
    },
    lossCurveCheck({ fixture: wages, points: 2, resolution: 1e-3, floor: 0, suspects: wagesSuspects }),
    firstLossCheck(wages),
    {
      id: 'loss-never-rises',
      title: 'the loss never rises with the lesson’s learning rate',
      points: 1,
      needs: [wages],
      async run(ctx) {
        const { trace } = await ctx.fixture<WagesRun>(wages);
        const losses = trace.losses;
        if (losses.length < 2) throw new CheckFailure(`gradient descent reported ${losses.length} losses; call options.report(loss) after every step`);
        const rise = losses.findIndex((loss, i) => i > 0 && !(loss <= losses[i - 1]! * (1 + 1e-5) + 1e-7));
        const figures = { steps: losses.length, firstRise: rise };
        if (rise !== -1) {
          throw new CheckFailure(
            `the loss rose from ${precise(losses[rise - 1])} at step ${rise - 1} to ${precise(losses[rise])} at step ${rise}. Full-batch gradient descent with a ` +
              'small enough step on this convex loss goes down every step; it rises when a step overshoots (features on a larger scale than ' +
              'the learning rate was tuned for, a gradient too large) or goes uphill (a sign).',
            figures,
            [cause('training/preprocessing', 2, 'features not standardised: the learning rate is too large for them'), cause('training/optimiser', 2, 'the step goes against the descent direction or is too large')],
          );
        }
        return { message: `the loss went down at every one of ${losses.length} steps, to ${precise(losses.at(-1))}`, figures };
      },
    },
    {
      id: 'converges-to-closed-form',
      title: 'gradient descent reaches the least-squares solution',
      points: 2,
      needs: [wages],
      async run(ctx) {
        const run = await ctx.fixture<WagesRun>(wages);
        const { gradientDescentW: got, exactW: exact } = run;
        const error = vectorNorm(got.map((v, i) => v - exact[i]!)) / vectorNorm(exact);
        const figures = { relativeError: Number.isFinite(error) ? error : null };
        if (!(error <= 1e-3)) {
          const moved = got.some((v) => v !== 0);
          throw new CheckFailure(
            `after gradient descent on the wages data w = [${got.map((v) => precise(v)).join(', ')}]; the least-squares solution on the same ` +
              `design matrix is [${exact.map((v) => precise(v)).join(', ')}] (relative distance ${precise(error, 3)}, at most 1e-3 passes). ` +
              (moved ? 'It diverged or stopped short: is the step taken along minus the mean gradient, and are the features standardised?' : 'w never moved from 0: is the update written into the weights variable?'),
            figures,
            [moved ? cause('training/optimiser', 2, 'gradient descent does not converge') : cause('training/process', 3, 'the update never reaches the weights')],
          );
        }
        return { message: `w within ${precise(error, 2)} (relative) of the least-squares solution`, figures };
      },
    },
    learningRateCheck({
      fixture: wages,
      points: 1,
      learningRate: README.learningRate,
      text: `learning rate ${README.learningRate} of plain gradient descent`,
      measure: (run) => (run as WagesRun).rate,
    }),
    weightsMovedCheck({ fixture: wages, points: 1 }),
    noLeakCheck({ fixture: wages, points: 1 }),
    {
      id: 'r-squared',
      title: 'R² computed as 1 - SS_residual / SS_total',
      points: 1,
      async run(ctx) {
        const student = await ctx.load<Module>(FILE);
        const y = [1, 2, 4, 3, 7, 5];
        const predictions = [1.5, 2.5, 3, 3.5, 6, 5.5];
        const expected = rSquaredOf(y, predictions);
        const [yt, pt] = [tf.tensor2d(y, [6, 1]), tf.tensor2d(predictions, [6, 1])];
        const got = student.rSquared(yt, pt);
        tf.dispose([yt, pt]);
        const figures = { rSquared: Number.isFinite(got) ? got : null, expected };
        if (!(Math.abs(got - expected) <= 1e-5)) {
          throw new CheckFailure(`rSquared() gives ${precise(got, 6)}; 1 - SS_residual / SS_total is ${precise(expected, 6)} for these predictions`, figures, [
            cause('training/validation-testing', 3, 'R² is computed wrongly'),
          ]);
        }
        return { message: `${precise(got, 6)}, as expected`, figures };
      },
    },
    metricCheck({
      id: 'held-out-r2',
      title: 'R² on held-out wages at least the reference’s',
      fixture: wages,
      metric: 'heldOutR2',
      points: 2,
      resolution: 1e-3,
      causes: 'Look at the failing checks above first: the design matrix (intercept column, standardisation) and gradient descent.',
      suspects: wagesSuspects,
    }),
  ],
});
