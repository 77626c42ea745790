import { expect } from 'chai';
import { diagnose, explain, SHOWN_CAUSES } from '../diagnosis.ts';
import { errorCauses } from '../evidence/errors.ts';
import { reboundOf } from '../evidence/training-figures.ts';
import { judgeFeedForward } from '../lessons/05-transformer/reference-math.ts';
import { startedUniform } from '../checks/trace.ts';
import { lessonIds, loadLesson } from '../registry.ts';
import type { CheckResult, LessonResult } from '../results.ts';

function check(id: string, passed: boolean, causes: CheckResult['causes'] = [], buildsOn: string[] = [], figures: CheckResult['figures'] = {}): CheckResult {
  const status = passed ? 'pass' : 'fail';
  return { id, title: id, status, points: passed ? 1 : 0, maxPoints: 1, message: `${id} ${status}s`, figures, causes, buildsOn, durationMs: 1 };
}

function lesson(...checks: CheckResult[]): LessonResult {
  return { id: 'test-lesson', title: 'test', points: 0, maxPoints: checks.length, checks };
}

describe('the diagnosis', () => {
  const root = (passed: boolean) => check('attention', passed, [{ category: 'tensors-and-inputs/wrong-tensor-shape', weight: 2, text: 'axes swapped' }]);
  const block = check('block', false, [{ category: 'model/layers', weight: 3, text: 'block differs' }], ['attention']);

  it('blames the root of a chain of symptoms, not the links after it', () => {
    const { causes, symptoms } = diagnose(lesson(root(false), block));
    expect(causes.map((cause) => cause.category)).to.deep.equal(['tensors-and-inputs/wrong-tensor-shape']);
    expect(symptoms.find((symptom) => symptom.check === 'block')?.followsFrom).to.deep.equal(['attention']);
    expect(explain(lesson(root(false), block))).to.include('block (may follow from attention, which fails too)');
  });

  it('counts a check’s causes when the parts it builds on pass', () => {
    const { causes } = diagnose(lesson(root(true), block));
    expect(causes.map((cause) => [cause.category, cause.score])).to.deep.equal([['model/layers', 3]]);
  });

  it('adds up the evidence of independent failing checks', () => {
    const other = check('norm', false, [{ category: 'model/layers', weight: 1, text: 'norm axis' }]);
    const { causes } = diagnose(lesson(root(false), other, check('pooling', false, [{ category: 'model/layers', weight: 2, text: 'pooling' }])));
    expect(causes[0]).to.include({ category: 'model/layers', score: 3 });
  });

  it('every lesson builds only on checks it has, run before the check that builds on them', async () => {
    for (const id of lessonIds()) {
      const checks = (await loadLesson(id)).checks.map((c) => c.id);
      (await loadLesson(id)).checks.forEach((c, index) => {
        for (const part of c.buildsOn ?? []) expect(checks.indexOf(part), `${id}: ${c.id} builds on ${part}`).to.be.within(0, index - 1);
      });
    }
  });
});

describe('the diagnosis weighs what the run measured', () => {
  // A healthy run of a 10-class lesson: the loss falls from ln(10), weights move by a few percent.
  const healthy: Record<string, number | null> = { lossFirst: 2.3, lossFinal: 0.6, lossMax: 2.4, lossMin: 0.3, firstNonFiniteStep: null, weightsNonFinite: 0, negativeLosses: 0, lossLeaps: 0, lossRebound: 0.05, updateRatioMax: 0.5, accuracy: 0.75, chance: 0.1, referenceFinalLoss: 0.6 };
  // The generic guess a failing curve makes whatever the cause.
  const curveGuess = [{ category: 'training/hyperparameters' as const, weight: 2, text: 'hyperparameters unlike the reference' }];
  const run = (figures: Record<string, number | null>, failing = ['loss-curve', 'accuracy']) =>
    lesson(
      check('loss-curve', !failing.includes('loss-curve'), failing.includes('loss-curve') ? curveGuess : [], [], { referenceFinalLoss: 0.6 }),
      check('accuracy', !failing.includes('accuracy'), [], [], { ...healthy, ...figures }),
      ...failing.filter((id) => id !== 'loss-curve' && id !== 'accuracy').map((id) => check(id, false, [{ category: 'resources', weight: 3, text: 'tensors leaked' }], [], { ...healthy, ...figures })),
    );
  const top = (result: LessonResult) => diagnose(result).causes[0]?.category;

  it('blames accuracy far below chance on labels, and accuracy at chance not', () => {
    expect(top(run({ accuracy: 0.01 }))).to.equal('training/data-quality');
    const atChance = diagnose(run({ accuracy: 0.1 })).causes.map((c) => c.category);
    expect(atChance).to.not.include('training/data-quality');
  });

  it('blames a loss that goes NaN on the step size, or on unscaled inputs when they are large', () => {
    expect(top(run({ firstNonFiniteStep: 12, accuracy: 0.1 }))).to.equal('training/hyperparameters');
    expect(top(run({ firstNonFiniteStep: 12, accuracy: 0.1, 'probe.largestInput': 255 }))).to.equal('training/preprocessing');
    expect(diagnose(run({ lossFinal: 9, lossMax: 40, accuracy: 0.1 })).causes[0]).to.include({ category: 'training/hyperparameters' });
    expect(top(run({ accuracy: 0.5 }))).to.equal('training/hyperparameters'); // only the curve's guess, weight 2
    expect(diagnose(run({ accuracy: 0.5 })).causes[0]!.score).to.equal(2);
  });

  it('names a learning rate far too small from how little the weights moved', () => {
    const causes = diagnose(run({ updateRatioMax: 1e-5, lossFinal: 2.3, accuracy: 0.1 })).causes;
    expect(causes[0]).to.include({ category: 'training/hyperparameters', score: 5 });
    expect(causes[0]!.reasons[0]).to.include('1.0e-5');
  });

  it('names steps far too large from weights that moved many times their size', () => {
    const causes = diagnose(run({ updateRatioMax: 19, lossFinal: 2.3, accuracy: 0.1 })).causes;
    expect(causes[0]).to.include({ category: 'training/hyperparameters', score: 4 });
    expect(causes.map((c) => c.category)).to.not.include('training/loss-function');
  });

  it('reads weights that moved normally beside a flat loss as a loss that is not what the gradient descends', () => {
    const named = (ratio: number) => diagnose(run({ updateRatioMax: ratio, lossFinal: 2.3, accuracy: 0.1 })).causes.slice(0, 3).map((c) => c.category);
    expect(named(0.5)).to.include('training/loss-function');
    expect(named(0.5)).to.include('training/hyperparameters');
    expect(named(1e-5)).to.not.include('training/loss-function');
  });

  it('reads a first loss far above chance level as large logits from the start', () => {
    const tooHigh = (figures: Record<string, number | null>) =>
      diagnose(lesson(check('initial-loss', false, [{ category: 'training/loss-function', weight: 1, text: 'wrong loss' }], [], { initialLoss: 9, expected: 2.3, ...figures })));
    expect(tooHigh({}).causes.map((c) => c.category)).to.include('model/type-and-properties');
    expect(tooHigh({ 'probe.largestInput': 255 }).causes[0]!.category).to.equal('training/preprocessing');
  });

  it('counts dead units after a blow-up as part of the blow-up', () => {
    const dead = check('dead-relu', false, [{ category: 'model/activation-function', weight: 3, text: 'dead units' }]);
    const result = lesson(...run({ firstNonFiniteStep: 4, accuracy: 0.1 }).checks, dead);
    expect(diagnose(result).causes.map((c) => c.category)).to.not.include('model/activation-function');
  });

  it('blames a loss that climbs back to its start without blowing up on the training process', () => {
    expect(top(run({ lossRebound: 0.95, accuracy: 0.5 }))).to.equal('training/process');
    expect(top(run({ lossRebound: 0.95, lossLeaps: 8, accuracy: 0.5 }))).to.not.equal('training/process');
  });

  it('blames a negative loss on the loss function', () => {
    expect(top(run({ negativeLosses: 40, accuracy: 0.5 }))).to.equal('training/loss-function');
  });

  it('reads a run that trains like the reference but tests badly as a testing fault', () => {
    expect(top(run({ accuracy: 0.5 }, ['accuracy']))).to.equal('training/validation-testing');
    expect(top(run({ accuracy: 0.5, lossFinal: 1.5 }, ['accuracy']))).to.not.equal('training/validation-testing');
  });

  it('weighs a leak of a few tensors in all below a leak every step', () => {
    const few = diagnose(run({ accuracy: 0.5, leakedPerStep: 0.05, tensorsGained: 30 }, ['loss-curve', 'accuracy', 'no-leaks'])).causes;
    expect(few[0]!.category).to.equal('training/hyperparameters');
    expect(few.find((c) => c.category === 'resources')!.score).to.equal(1);
    const many = diagnose(run({ accuracy: 0.75, leakedPerStep: 2, tensorsGained: 500 }, ['no-leaks'])).causes;
    expect(many[0]).to.include({ category: 'resources', score: 3 });
  });

  it('explains the top three causes with their evidence', () => {
    const text = explain(run({ firstNonFiniteStep: 3, accuracy: 0.01, negativeLosses: 2 }));
    expect(text).to.include(`the top ${SHOWN_CAUSES}`).and.include('1. ').and.include('3. ').and.include('NaN or infinite at step 3');
    expect(text).to.include('Less likely:');
  });

  it('measures how much of its fall the loss gave back', () => {
    const falling = Array.from({ length: 200 }, (_, i) => 2.3 * Math.exp(-i / 50));
    const restarted = [...falling.slice(0, 100), ...falling.slice(0, 100)];
    expect(reboundOf(falling)).to.be.below(0.05);
    expect(reboundOf(restarted)).to.be.above(0.8);
  });

  it('drops the learning-rate guesses when the optimizer check measured the README’s, and blames a blow-up elsewhere', () => {
    const optimizer = check('optimizer', true, [], [], { optimizers: 1, differing: 0 });
    const withOptimizer = (figures: Record<string, number | null>) => ({ ...run(figures), checks: [...run(figures).checks, optimizer] });
    expect(diagnose(withOptimizer({ accuracy: 0.5 })).causes.map((c) => c.category)).to.not.include('training/hyperparameters');
    expect(top(withOptimizer({ firstNonFiniteStep: 12, accuracy: 0.1 }))).to.equal('training/loss-function');
    // A hand-written update, with no tfjs optimizer to watch, refutes nothing.
    const handWritten = { ...run({ accuracy: 0.5 }), checks: [...run({ accuracy: 0.5 }).checks, check('optimizer', true)] };
    expect(top(handWritten)).to.equal('training/hyperparameters');
    // A hand-written update refutes them when its rate is measured and its step checks pass, not when its gradient is wrong.
    const measured = (gradientRight: boolean) => ({
      ...run({ accuracy: 0.5 }),
      checks: [...run({ accuracy: 0.5 }).checks, check('learning-rate', true, [], [], { learningRate: 0.1 }), check('gradient-formula', gradientRight)],
    });
    expect(diagnose(measured(true)).causes.map((c) => c.category)).to.not.include('training/hyperparameters');
    expect(diagnose(measured(false)).causes.map((c) => c.category)).to.include('training/hyperparameters');
  });

  it('with the step right and a model that can learn, points by elimination at the data it is given', () => {
    const checks = [...run({ accuracy: 0.5 }).checks, check('optimizer', true, [], [], { optimizers: 1 }), check('overfit-one-batch', true)];
    expect(top({ ...run({ accuracy: 0.5 }), checks })).to.equal('training/preprocessing');
    const cannotLearn = [...checks.slice(0, -1), check('overfit-one-batch', false, [{ category: 'model/layers', weight: 3, text: 'cannot fit' }])];
    expect(top({ ...run({ accuracy: 0.5 }), checks: cannotLearn })).to.equal('model/layers');
  });
});

describe('the diagnosis weighs what the prescription and first-loss checks measured', () => {
  const failing = (id: string, figures: CheckResult['figures'], causes: CheckResult['causes'] = []) => check(id, false, causes, [], figures);
  const loss = (weight: number) => [{ category: 'training/loss-function' as const, weight, text: 'a loss for another problem' }];

  it('reads a jumpy curve under steps other than the README’s as those steps, not as unshuffled classes', () => {
    const unshuffled = { category: 'training/preprocessing' as const, weight: 3, text: 'the loss leapt up 5 times ...: does it see the classes in order, unshuffled?' };
    const other = [{ category: 'training/optimiser' as const, weight: 3, text: 'an optimizer other than the README’s' }];
    const result = (optimizerRight: boolean) =>
      lesson(
        failing('loss-curve', { referenceFinalLoss: 0.37 }, [unshuffled]),
        optimizerRight ? check('optimizer', true, [], [], { optimizers: 1, differing: 0 }) : failing('optimizer', { optimizers: 1, differing: 1, otherClass: 1 }, other),
      );
    expect(diagnose(result(false)).causes.map((c) => c.category)).to.deep.equal(['training/optimiser']);
    expect(diagnose(result(true)).causes[0]).to.include({ category: 'training/preprocessing' });
  });

  it('reads several optimizers stepping in one run as optimizer state restarted', () => {
    const result = lesson(failing('loss-curve', { referenceFinalLoss: 0.6 }), check('optimizer', true, [], [], { optimizers: 96, differing: 0 }));
    expect(diagnose(result).causes[0]).to.include({ category: 'training/process' });
    const one = lesson(failing('loss-curve', { referenceFinalLoss: 0.6 }), check('optimizer', true, [], [], { optimizers: 1, differing: 0 }));
    expect(diagnose(one).causes.find((c) => c.category === 'training/process')?.score ?? 0).to.be.below(1);
  });

  it('keeps a first loss of batch-size times the grader’s on the loss, and weighs other mismatches more evenly', () => {
    const batch = check('batch-size', true, [], [], { batchSize: 32 });
    const summed = lesson(failing('initial-loss', { initialLoss: 73.7, graderLossOnFirstBatch: 2.303 }, loss(3)), batch);
    // The check's own cause, and the measured ratio of the batch size named by its rule.
    expect(diagnose(summed).causes[0]).to.include({ category: 'training/loss-function', score: 6 });
    expect(diagnose(summed).causes[0]!.reasons.join()).to.include('32.0 times');
    // A loss near 0 from a model whose own cross-entropy is at chance level has its outputs: the loss is another one.
    const layers = [{ category: 'model/layers' as const, weight: 3, text: 'a loss of about 0: one unit?' }];
    const nearZero = (own: number) => lesson(failing('initial-loss', { initialLoss: 0.105, expected: 2.303, graderLossOnFirstBatch: own }, layers));
    expect(diagnose(nearZero(2.298)).causes[0]).to.include({ category: 'training/loss-function', score: 3 });
    expect(diagnose(nearZero(0)).causes[0]).to.include({ category: 'model/layers' });
    const other = lesson(failing('initial-loss', { initialLoss: 2.9, graderLossOnFirstBatch: 2.303 }, loss(3)), batch);
    expect(diagnose(other).causes.map((c) => [c.category, c.score])).to.deep.equal([
      ['training/loss-function', 2],
      ['training/preprocessing', 1],
      ['training/process', 1],
    ]);
  });
});

describe('the diagnosis weighs the loop’s shape and the curve’s start', () => {
  const failing = (id: string, figures: CheckResult['figures'], causes: CheckResult['causes'] = []) => check(id, false, causes, [], figures);
  const fewer = [{ category: 'training/hyperparameters' as const, weight: 3, text: 'fewer epochs than the README asks for' }];
  const top = (result: LessonResult) => diagnose(result).causes[0]?.category;

  it('reads a fraction of an epoch as a loop that stops early, and a whole number as a setting', () => {
    expect(top(lesson(failing('training-length', { epochs: 0.16 }, fewer)))).to.equal('training/process');
    expect(top(lesson(failing('training-length', { epochs: 1 }, fewer)))).to.equal('training/hyperparameters');
    const awaitMissing = failing('loss-curve', {}, [{ category: 'api', weight: 3, text: 'a Promise not awaited' }]);
    expect(diagnose(lesson(awaitMissing, failing('training-length', { epochs: 0.3 }, fewer))).causes.map((c) => c.category)).to.deep.equal(['api']);
  });

  it('reads right step functions with a curve unlike autodiff’s over the same batches as the loop’s learning rate', () => {
    const unlike = [{ category: 'training/process' as const, weight: 2, text: 'the hand-written gradients or update differ from autodiff' }];
    const result = (stepRight: boolean) =>
      lesson(
        check('gradient-check', stepRight),
        check('sgd-step', true),
        failing('training-curve', { finalLoss: 1.84, autodiffFinalLoss: 0.57 }, unlike),
        check('learning-rate', true, [], [], { learningRate: 0.1 }),
        failing('accuracy', { accuracy: 0.59, chance: 0.1, lossFirst: 2.3, lossFinal: 1.86, lossMax: 2.3 }),
      );
    expect(top(result(true))).to.equal('training/hyperparameters');
    expect(top(result(false))).to.equal('training/process');
  });

  it('reads a curve that starts far above chance level as large logits before training: weights, or unscaled inputs', () => {
    const high = (probe: Record<string, number>) =>
      lesson(check('initial-loss', true, [], [], { initialLoss: 20.7, expected: 2.303, graderLossOnFirstBatch: 20.7 }), failing('accuracy', { accuracy: 0.4, chance: 0.1, ...probe }));
    expect(top(high({}))).to.equal('model/type-and-properties');
    expect(top(high({ 'probe.largestInput': 255 }))).to.equal('training/preprocessing');
    const normal = lesson(check('initial-loss', true, [], [], { initialLoss: 2.4, expected: 2.303, graderLossOnFirstBatch: 2.4 }), failing('accuracy', { accuracy: 0.4, chance: 0.1 }));
    expect(diagnose(normal).causes.map((c) => c.category)).to.not.include('model/type-and-properties');
  });

  it('blames labels when the loss is measured right, the step is the README’s and the weights move, yet the loss stays flat', () => {
    const flat = { lossFirst: 2.30, lossFinal: 2.30, lossMax: 2.4, updateRatioMax: 0.1, accuracy: 0.1, chance: 0.1 };
    const checks = (lossRight: boolean) => [
      check('initial-loss', lossRight, lossRight ? [] : [{ category: 'training/loss-function' as const, weight: 3, text: 'another loss' }], [], { initialLoss: 2.3, expected: 2.303, graderLossOnFirstBatch: 2.3 }),
      check('optimizer', true, [], [], { optimizers: 1 }),
      check('weights-updated', true, [], [], { weights: 4 }),
      failing('accuracy', flat),
    ];
    expect(top(lesson(...checks(true)))).to.equal('training/data-quality');
    expect(top(lesson(...checks(false)))).to.equal('training/loss-function');
  });

  it('drops a flat curve’s “not applied” guesses when every weight moved, and reads a leak of restarted optimizers’ state as the restart', () => {
    const guesses = [
      { category: 'training/optimiser' as const, weight: 1, text: 'gradients applied to only some weights' },
      { category: 'training/process' as const, weight: 1, text: 'gradients computed but never applied' },
    ];
    const moved = lesson(failing('loss-curve', {}, guesses), check('weights-updated', true, [], [], { weights: 4 }), failing('accuracy', { updateRatioMax: 0.2, accuracy: 0.5, chance: 0.1 }));
    expect(diagnose(moved).causes.map((c) => c.category)).to.not.include('training/optimiser');
    const leak = [{ category: 'resources' as const, weight: 3, text: 'tensors created every step and never freed' }];
    const restarted = lesson(check('optimizer', true, [], [], { optimizers: 3 }), check('weights-updated', true, [], [], { weights: 30 }), failing('no-leaks', { tensorsGained: 120, leakedPerStep: 1 }, leak));
    expect(top(restarted)).to.equal('training/process');
    const bigLeak = lesson(check('optimizer', true, [], [], { optimizers: 3 }), check('weights-updated', true, [], [], { weights: 30 }), failing('no-leaks', { tensorsGained: 5000, leakedPerStep: 10 }, leak));
    expect(diagnose(bigLeak).causes.find((c) => c.category === 'resources')?.score).to.equal(3);
  });
});

describe('the diagnosis reads what an exception says', () => {
  it('names the category a tfjs or JavaScript error message implies', () => {
    const top = (message: string) => errorCauses(message)[0]?.category;
    expect(top('Error in matMul: inner shapes (784) and (400) of Tensors with shapes 32,784 and 400,120 and transposeA=false and transposeB=false must match. (at cnn.ts:40)')).to.equal('tensors-and-inputs/wrong-tensor-shape');
    expect(top('Operands could not be broadcast together with shapes 32,10 and 32.')).to.equal('tensors-and-inputs/wrong-tensor-shape');
    expect(top('Tensor is disposed.')).to.equal('resources');
    expect(top('model.fitt is not a function')).to.equal('api');
    expect(top('Cannot find a connection between any variable and the result of the loss function y=f(x).')).to.equal('training/process');
    expect(top('the lesson used more than 4 GB of memory')).to.equal('resources');
    expect(errorCauses('not implemented: the loss')).to.deep.equal([]);
    expect(errorCauses('something nobody has seen')).to.deep.equal([]);
  });

  it('weighs the skeleton function that threw, and counts one exception reported by several checks once', () => {
    const causes = errorCauses('Operands could not be broadcast together with shapes 10 and 2000. (at backprop.ts:99 in sgdStep)');
    expect(causes.map((c) => [c.category, c.weight])).to.deep.equal([
      ['tensors-and-inputs/wrong-tensor-shape', 3],
      ['training/optimiser', 2],
    ]);
    expect(errorCauses('Operands could not be broadcast together with shapes 10 and 2000. (at cnn.ts:50 in createModel)')[1]).to.include({ category: 'model/layers', weight: 1 });
    // Evaluation runs last, on what training used without error: shapes that do not meet there are made there.
    expect(errorCauses('Operands could not be broadcast together with shapes 10 and 2000. (at cnn.ts:118 in evaluate)').map((c) => [c.category, c.weight])).to.deep.equal([
      ['training/validation-testing', 3],
      ['tensors-and-inputs/wrong-tensor-shape', 2],
    ]);
    // An operation tfjs does not support is the code that called it.
    const unsupported = 'Softmax along a non-last dimension is not yet supported. Logits was rank 4 and dim was 2 (at transformer.ts:178 in attention)';
    expect(errorCauses(unsupported).map((c) => [c.category, c.weight])).to.deep.equal([
      ['model/layers', 3],
      ['api', 1],
    ]);
    expect(errorCauses('Operands could not be broadcast together with shapes 10 and 2000. (at cnn.ts:50 in helper)')).to.have.length(1);
    const errored = (id: string, message: string): CheckResult => ({ ...check(id, false), status: 'error', message });
    const shared = 'the shared run "training" failed: Tensor is disposed.';
    const result = lesson(errored('loss-curve', shared), errored('accuracy', shared), errored('no-leaks', shared));
    expect(diagnose(result).causes[0]).to.include({ category: 'resources', score: 2 });
    // Reached through different callers, one throw in one place is still one symptom.
    const inner = 'Tensor is disposed. (at cnn.ts:118 in evaluate)';
    const callers = lesson(errored('accuracy', inner), errored('transfer', 'Tensor is disposed. (at cnn.ts:118 in evaluate < fineTune)'));
    expect(diagnose(callers).causes.map((c) => [c.category, c.score])).to.deep.equal([
      ['resources', 2],
      ['training/validation-testing', 2],
    ]);
  });

  it('puts an erroring check’s causes into the diagnosis', () => {
    const errored: CheckResult = { ...check('output-shape', false), status: 'error', message: 'Error when checking input: expected conv2d_input to have 4 dimension(s), but got array with shape [32,784]' };
    expect(diagnose(lesson(errored)).causes[0]?.category).to.equal('tensors-and-inputs/wrong-tensor-shape');
  });
});


describe('the encoder block’s causes measure its feed-forward network alone', () => {
  // Two inputs, two hidden units, one output: hidden = x, out = h1 - h2, so ReLU or none tells on negative inputs.
  const ff = { hidden: { w: [[1, 0], [0, 1]], b: [0, 0] }, output: { w: [[1], [-1]], b: [0] } };
  const rows = [[-1, 2], [3, -4]];

  it('tells the reference (linear, ReLU, linear) from the same layers with no activation', () => {
    expect(judgeFeedForward(ff, rows, [-2, 3])).to.include({ diff: 0 });
    expect(judgeFeedForward(ff, rows, [-3, 7])).to.include({ withoutActivation: 0 });
    expect(judgeFeedForward(ff, rows, [-3, 7]).diff).to.equal(4);
  });
});

describe('dead units from the start', () => {
  it('reads a weight matrix that started all equal, tfjs-named or hand-named, as a uniform start; a zero bias not', () => {
    const start = (name: string, before: number[]) => startedUniform({ name, before: new Float32Array(before), after: new Float32Array(before) });
    expect(start('conv2d_Conv2D1/kernel', [0, 0, 0])).to.equal(true);
    expect(start('w1', [0, 0, 0])).to.equal(true);
    expect(start('w1', [0.1, -0.2, 0])).to.equal(false);
    expect(start('b1', [0, 0, 0])).to.equal(false);
  });
});
