// Checks on the parts of lesson 5's fine-tuning, each run on small fixed
// inputs: the tokenizer against the checkpoint's, the collated batch, the
// classification head, the learning-rate schedule as a function, and F1.
import { CLS_ID, PAD_ID, SEP_ID, WordPieceTokenizer } from '#lib/models/wordpiece.ts';
import { seedEverything } from '#lib/seed.ts';
import { tf } from '#lib/tf.ts';
import type * as F from '#lib/contracts/05-transformer.ts';
import { cause, type Cause } from '../../faults.ts';
import { fixed, shapeText } from '../../format.ts';
import { CheckFailure, type Check } from '../../lesson.ts';
import { checkpoint, CLASSES, loadEncoder, loadPart, plannedRate, referenceF1 } from './fine-tune-run.ts';
import { disposeModel } from './variables.ts';

const TOKENIZER_TEXTS = [
  'FREE Money!!! Click HERE to claim your prize: www.winner.com',
  'Re: the meeting on Tuesday\nCan we move it to 3pm? Thanks, Bob',
];

export const tokenizerCheck: Check = {
  id: 'fine-tune-tokenizer',
  title: 'part 2: the tokenizer matches the checkpoint: [CLS] first, its vocabulary’s ids, cut to the longest length',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    const cp = checkpoint();
    const tokenizer = part.loadTokenizer(cp);
    const reference = new WordPieceTokenizer(cp.vocabulary, { lowercase: cp.config.lowercase });
    const long = TOKENIZER_TEXTS.join(' ').repeat(8);
    for (const [text, maxLength] of [
      [TOKENIZER_TEXTS[0]!, 64],
      [TOKENIZER_TEXTS[1]!, 64],
      [long, 32],
    ] as const) {
      const got = part.tokenize(tokenizer, text, maxLength);
      const pieces = reference.encode(text).slice(0, maxLength - 2);
      const expected = [CLS_ID, ...pieces, SEP_ID];
      if (got.join() === expected.join()) continue;
      const shown = (ids: readonly number[]) => ids.slice(0, 12).map((id) => cp.vocabulary[id] ?? `#${id}`).join(' ') + (ids.length > 12 ? ' …' : '');
      const causes: Cause[] = [];
      let why = '';
      if (got[0] !== CLS_ID) {
        why = `it starts with ${cp.vocabulary[got[0]!] ?? got[0]}, not [CLS] (id ${CLS_ID}): the checkpoint was pretrained with [CLS] first, and the head reads that position.`;
        causes.push(cause('training/preprocessing', 3, 'the special tokens do not match the checkpoint’s'));
      } else if (got.length > maxLength) {
        why = `it has ${got.length} ids, more than maxLength ${maxLength}: cut the pieces so that [CLS] and [SEP] fit.`;
        causes.push(cause('training/preprocessing', 3, 'messages not truncated to the longest length'));
      } else {
        const uncased = new WordPieceTokenizer(cp.vocabulary, { lowercase: false }).encode(text);
        const unknown = got.filter((id) => id === 1).length;
        why =
          unknown > expected.filter((id) => id === 1).length || got.slice(1, -1).join() === uncased.slice(0, maxLength - 2).join()
            ? `it has ${unknown} [UNK] pieces: the checkpoint’s vocabulary is lower-case (config.lowercase ${cp.config.lowercase}); a tokenizer that keeps capitals does not find its words.`
            : 'the pieces differ from the checkpoint vocabulary’s: use the checkpoint’s tokenizer, with its settings.';
        causes.push(cause('training/preprocessing', 3, 'the tokenizer does not match the checkpoint’s (vocabulary or lower-casing)'));
      }
      throw new CheckFailure(
        `tokenize(${JSON.stringify(text.slice(0, 40))}…, ${maxLength}) gives [${shown(got)}] (${got.length} ids), expected [${shown(expected)}] (${expected.length} ids): ${why}`,
        {},
        causes,
      );
    }
    return 'ids are the checkpoint vocabulary’s pieces, [CLS] first and [SEP] last, cut to maxLength';
  },
};

export const collateCheck: Check = {
  id: 'fine-tune-collate',
  title: 'part 2: dynamic padding: each batch padded to its longest message, the mask matching the padding',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    const examples: F.Example[] = [
      { ids: [CLS_ID, 10, 11, SEP_ID], label: 1 },
      { ids: [CLS_ID, 12, 13, 14, 15, 16, SEP_ID], label: 0 },
      { ids: [CLS_ID, 17, SEP_ID], label: 1 },
    ];
    const longest = 7;
    const batch = part.collate(examples);
    try {
      const ids = batch.ids.arraySync() as number[][];
      const mask = batch.mask.arraySync() as number[][];
      const labels = batch.labels.arraySync() as number[];
      const expectedIds = examples.map((e) => [...e.ids, ...new Array<number>(longest - e.ids.length).fill(PAD_ID)]);
      const expectedMask = examples.map((e) => Array.from({ length: longest }, (_, i) => (i < e.ids.length ? 1 : 0)));
      const width = batch.ids.shape[1];
      if (width !== longest || batch.mask.shape[1] !== longest) {
        throw new CheckFailure(
          `messages of ${examples.map((e) => e.ids.length).join(', ')} tokens are collated to width ${width} (mask ${batch.mask.shape[1]}), expected ${longest}: ` +
            'dynamic padding pads each batch to its own longest message, no further.',
          { width, longest },
          [cause('training/preprocessing', 3, 'batches padded past their longest message')],
        );
      }
      if (JSON.stringify(ids) !== JSON.stringify(expectedIds)) {
        throw new CheckFailure(`collated ids ${JSON.stringify(ids)}, expected ${JSON.stringify(expectedIds)}: each message, then PAD (${PAD_ID}) to the end.`, {}, [
          cause('training/preprocessing', 3, 'messages padded with the wrong token or in the wrong place'),
        ]);
      }
      if (JSON.stringify(mask) !== JSON.stringify(expectedMask)) {
        throw new CheckFailure(
          `the attention mask is ${JSON.stringify(mask)} for padding at ${JSON.stringify(expectedMask)}: it must be 1 exactly where a message has a token and 0 on its padding.`,
          {},
          [cause('model/layers', 3, 'the attention mask does not match the padding')],
        );
      }
      if (JSON.stringify(labels) !== JSON.stringify(examples.map((e) => e.label))) {
        throw new CheckFailure(`collated labels ${JSON.stringify(labels)}, expected ${JSON.stringify(examples.map((e) => e.label))}`, {}, [
          cause('training/preprocessing', 3, 'labels mixed up in the batch'),
        ]);
      }
      return `padded to the longest message (${longest}), PAD after each message, mask 1 on tokens and 0 on padding`;
    } finally {
      tf.dispose([batch.ids, batch.mask, batch.labels]);
    }
  },
};

const SMALL = { vocabularySize: 40, dModel: 8, heads: 2, dFeedForward: 16, blocks: 1, numClasses: CLASSES };

export const headCheck: Check = {
  id: 'fine-tune-head',
  title: 'part 2: the head reads the [CLS] vector (or the mean over real tokens), whatever the padding',
  points: 1,
  // It runs the student's part-1 encoder: padding that leaks through part 1's attention fails it too.
  buildsOn: ['attention-padding', 'padding-invariance'],
  async run(ctx) {
    const part = await loadPart(ctx);
    const encoder = await loadEncoder(ctx);
    seedEverything(ctx.seed);
    const model = encoder.createModel(SMALL);
    tf.engine().startScope();
    try {
      const rows = [
        [CLS_ID, 9, 13, 21, SEP_ID],
        [CLS_ID, 7, SEP_ID],
      ];
      const padded = (width: number) => {
        const ids = tf.tensor2d(rows.flatMap((r) => [...r, ...new Array<number>(width - r.length).fill(PAD_ID)]), [rows.length, width], 'int32');
        const mask = tf.tensor2d(rows.flatMap((r) => Array.from({ length: width }, (_, i) => (i < r.length ? 1 : 0))), [rows.length, width]);
        return { ids, mask };
      };
      const { ids, mask } = padded(5);
      const got = part.classify(model, ids, mask);
      if (got.shape.join() !== [rows.length, CLASSES].join()) {
        throw new CheckFailure(`classify() of 2 messages gives shape ${shapeText(got.shape)}, expected [2, ${CLASSES}]`, {}, [
          cause('tensors-and-inputs/wrong-tensor-shape', 3, 'the head gives the wrong shape'),
        ]);
      }
      const encoded = encoder.encode(model, encoder.embed(model, ids), mask);
      const head = (features: tf.Tensor2D) => encoder.linear(features, model.head);
      const cls = head(encoded.slice([0, 0, 0], [rows.length, 1, SMALL.dModel]).reshape([rows.length, SMALL.dModel]));
      const meanPooled = head(encoded.mul(mask.expandDims(2)).sum(1).div(mask.sum(1, true)) as tf.Tensor2D);
      const difference = (a: tf.Tensor, b: tf.Tensor) => a.sub(b).abs().max().dataSync()[0]!;
      const fromCls = difference(got, cls);
      const fromMean = difference(got, meanPooled);
      const longer = padded(9);
      const withPadding = difference(got, part.classify(model, longer.ids, longer.mask));
      const figures = { differenceFromCls: fromCls, differenceFromMeanPooling: fromMean, differenceWithMorePadding: withPadding };
      if (!(Math.min(fromCls, fromMean) <= 1e-4)) {
        throw new CheckFailure(
          `classify() differs from the head applied to the [CLS] vector (by ${fixed(fromCls, 4)}) and to the mean over the real tokens (by ${fixed(fromMean, 4)}): ` +
            'the head must read the first position, where the [CLS] token is, or pool over the real tokens. ' +
            'The last position of a padded message is padding, and the checkpoint learned nothing there.',
          figures,
          [cause('model/layers', 3, 'the head reads the wrong position (e.g. the last token instead of [CLS])')],
        );
      }
      if (!(withPadding <= 1e-4)) {
        throw new CheckFailure(`the same messages padded to 5 and to 9 tokens get scores that differ by ${fixed(withPadding, 4)}: padding must not change what the model says.`, figures, [
          cause('model/layers', 3, 'padding leaks into the classifier'),
        ]);
      }
      return { message: `${fromCls <= 1e-4 ? '[CLS] vector' : 'mean over real tokens'} through the head, unchanged by padding`, figures };
    } finally {
      tf.engine().endScope();
      disposeModel(model);
    }
  },
};

export const scheduleFunction: Check = {
  id: 'fine-tune-schedule',
  title: 'part 2: the learning rate at every step follows linear warm-up then linear decay',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    for (const plan of [
      { peak: 1e-3, warmupSteps: 4, totalSteps: 20 },
      { peak: 5e-4, warmupSteps: 0, totalSteps: 10 },
    ]) {
      for (let step = 0; step <= plan.totalSteps; step++) {
        const got = part.learningRateAt(step, plan);
        const expected = plannedRate(step, plan);
        if (!(Math.abs(got - expected) <= 1e-9 + 1e-6 * plan.peak)) {
          throw new CheckFailure(
            `learningRateAt(${step}, ${JSON.stringify(plan)}) is ${got}, expected ${expected}: ` +
              'from 0 it climbs linearly to the peak over the warm-up steps, then falls linearly to 0 at totalSteps.',
            { step, got, expected },
            [cause('training/hyperparameters', 3, 'the learning-rate schedule is computed wrongly')],
          );
        }
      }
    }
    return 'learningRateAt matches warm-up and linear decay at every step of two plans';
  },
};

export const f1Check: Check = {
  id: 'fine-tune-f1',
  title: 'part 2: F1 of the spam class, 0 when no message is predicted spam',
  points: 1,
  async run(ctx) {
    const part = await loadPart(ctx);
    const cases: [number[], number[], number][] = [
      [[1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0], 2 / 3],
      [[1, 1, 1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 1], 0.4],
      [[0, 0, 0, 0], [1, 0, 1, 0], 0],
      [[1, 0, 1], [1, 0, 1], 1],
    ];
    for (const [predicted, labels, expected] of cases) {
      const got = part.f1Score(predicted, labels);
      if (!(Math.abs(got - expected) <= 1e-9)) {
        const swapped = referenceF1(predicted.map((p) => 1 - p), labels.map((l) => 1 - l));
        const none = !predicted.includes(1);
        throw new CheckFailure(
          `f1Score(${JSON.stringify(predicted)}, ${JSON.stringify(labels)}) is ${got}, expected ${fixed(expected, 4)}` +
            (none ? ': no message is predicted spam, so precision has no messages to count and F1 is 0 by convention (not NaN).' : '') +
            (!none && Math.abs(got - swapped) <= 1e-9 ? ': that is the F1 of ham; the positive class is spam (1).' : '.'),
          { got, expected },
          [cause('training/validation-testing', 3, none ? 'F1 undefined when the positive class is never predicted' : 'F1 computed for the wrong class or with wrong counts')],
        );
      }
    }
    return 'f1Score matches on four cases, including no positive prediction';
  },
};
