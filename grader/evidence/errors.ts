// What an exception says about its cause. A check that ERRORS (student code
// threw: a shape mismatch, a call to something that does not exist) names no
// causes of its own, yet the error's message measures the fault as directly as
// any figure: tfjs says "shapes must match" only when two tensors' shapes
// differ. These rules read the message, never which check threw it.
import { cause, type Cause, type FaultCategory } from '../faults.ts';


interface ErrorRule {
  /** What the message says, as tfjs and JavaScript word it. */
  pattern: RegExp;
  causes: (quote: string) => Cause[];
  /**
   * Whether the mistake lies in the skeleton function that threw (given its
   * role), so that the place outweighs what the message says: see errorCauses.
   */
  locates?: (role: FaultCategory) => boolean;
}

// First match wins: the more specific kinds before the general ones.
const RULES: ErrorRule[] = [
  {
    // Nothing of the student's ran yet: a skeleton, not a fault.
    pattern: /not implemented/i,
    causes: () => [],
  },
  {
    pattern: /more than \d+ ?GB of memory|out of memory|allocation failed|Array buffer allocation/i,
    causes: (quote) => [cause('resources', 3, `the run exhausted memory (${quote}): tensors kept every step?`)],
  },
  {
    pattern: /disposed/i,
    causes: (quote) => [cause('resources', 2, `a tensor was used after it was freed (${quote}): disposed or left a tf.tidy too early?`)],
  },
  {
    // tfjs's own limits ("Softmax along a non-last dimension is not yet supported"): an operation called with
    // arguments tfjs has no kernel for, such as the wrong axis. The mistake is in the code that made that call.
    // (A kernel missing from the backend, "not yet implemented or not found in the registry", is no such call.)
    pattern: /is not yet supported/i,
    causes: (quote) => [cause('api', 1, `an operation called in a way tfjs does not support (${quote}): the wrong axis or arguments?`)],
    locates: () => true,
  },
  {
    // tfjs: "Operands could not be broadcast together with shapes", "Error in matMul: inner shapes (..) and (..) must match",
    // "Error when checking input: expected dense_input to have shape [null,784]", "rank", "Size(..) must match the product of shape".
    pattern: /shape|rank|dimension|broadcast|must match|incompatible|product of|axis|out of range|\bsize\b/i,
    causes: (quote) => [cause('tensors-and-inputs/wrong-tensor-shape', 3, `tensors of the wrong shape met (${quote})`)],
    // Elsewhere shapes that do not meet were often made upstream (a wrong gradient fails in the update). Evaluation
    // runs last, on a model and data that training already used without error: shapes made wrong there are its own.
    locates: (role) => role === 'training/validation-testing',
  },
  {
    pattern: /dtype|int32|float32|bool\b|string tensor/i,
    causes: (quote) => [cause('tensors-and-inputs/wrong-input', 2, `a tensor of the wrong type (${quote})`)],
  },
  {
    // The loss or a gradient with nothing to differentiate: tfjs's wording for a loss not computed from the variables
    // ("Cannot find a connection between any variable and the result of the loss function": the forward pass ran
    // outside the function given to variableGrads or minimize, so nothing the loss depends on was recorded).
    pattern: /gradient|variableGrads|Cannot compute|Cannot find a connection|is not differentiable|must return a scalar|returned a Tensor of rank/i,
    causes: (quote) => [
      cause('training/process', 2, `the gradient could not be taken (${quote}): is the loss computed from the weights inside the function given to the optimizer?`),
      cause('api', 1, `a gradient API used in a way it does not support (${quote})`),
    ],
  },
  {
    pattern: /time limit|timed out|did not finish/i,
    causes: (quote) => [cause('training/process', 2, `the run did not end in time (${quote}): a loop that never stops, or far more steps than asked?`)],
  },
  {
    // JavaScript's own: something called that is not what the code thinks it is.
    pattern: /is not a function|is not defined|Cannot read propert|is not iterable|is not a constructor|undefined|null|Unknown|not a valid|must be a Tensor|Argument/i,
    causes: (quote) => [cause('api', 2, `a call that does not exist or gets the wrong kind of argument (${quote})`)],
  },
];

/**
 * What the lesson's skeleton functions do, by the names every lesson gives
 * them: an exception thrown inside one points at that part of the program.
 * Inside the model or the training loop the weight is lower: an error there
 * is often the shapes or the call the message itself names.
 */
const ROLES: [RegExp, FaultCategory, string, number][] = [
  [/^(evaluate|predictClasses|rSquared|accuracy)$/, 'training/validation-testing', 'the evaluation', 2],
  [/^(lossFunction|crossEntropy|binaryCrossEntropy|mseLoss|logSoftmax)$/, 'training/loss-function', 'the loss', 2],
  [/^(toTensors|toBinaryTensors|standardize|prepareFeatures|buildVocabulary|encodeText|paddingMask)$/, 'training/preprocessing', 'the data preparation', 2],
  [/^(createOptimizer|sgdStep)$/, 'training/optimiser', 'the optimizer or its update', 2],
  [
    /^(createModel|forward|classify|embed|attention|multiHeadAttention|layerNorm|feedForward|encoderBlock|encode|meanPool|positionalEncoding|linear)$/,
    'model/layers',
    'the model',
    1,
  ],
  [/^(train|trainOneEpoch|trainStep|gradientDescent|backward)$/, 'training/process', 'the training loop', 1],
];

/** The student's functions the sandbox found on the error's stack, innermost first: "(at cnn.ts:118 in evaluate < train)". */
function thrownIn(message: string): string[] {
  const names = /\(at [^)]* in ([^)]*)\)\s*$/.exec(message)?.[1];
  return names ? names.split(' < ') : [];
}

/** The causes an error message points at; none for a message no rule knows. */
export function errorCauses(message: string): Cause[] {
  // The quote keeps the message short and without the file position the sandbox appends.
  const text = message.replace(/\s*\(at [^)]*\)\s*$/, '');
  const quote = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  const rule = RULES.find(({ pattern }) => pattern.test(text));
  const said = rule?.causes(`“${quote}”`) ?? [];
  if (said.length === 0) return said;
  // Where it was thrown: the innermost of the student's functions with a known role; weaker than what the message says,
  // unless the rule locates the mistake there: then the place is named first and the message's kind second.
  const place = thrownIn(message).map((name) => ({ name, role: ROLES.find(([pattern]) => pattern.test(name)) })).find(({ role }) => role);
  if (!place?.role) return said;
  const [, category, part, weight] = place.role;
  if (rule?.locates?.(category)) {
    return [cause(category, 3, `the error was thrown in ${place.name}(), ${part}: an error of this kind is made where it is thrown`), ...said.map((c) => ({ ...c, weight: Math.min(c.weight, 2) }))];
  }
  return [...said, cause(category, weight, `the error was thrown in ${place.name}(), ${part}`)];
}

/**
 * The same exception reported by several checks is one symptom: the text
 * without the shared run's prefix, and without the callers after the
 * innermost function, since checks that call the model from different places
 * meet the same throw through different chains of callers.
 */
export function errorKey(message: string): string {
  return message.replace(/^the shared run "[^"]*" failed: /, '').replace(/ < [^)]*\)\s*$/, ')');
}
