import { expect } from 'chai';
import { tf } from '#lib/tf.ts';

describe('fixes for tfjs 4.22 defects', () => {
  it('tf.logSigmoid has a gradient inside tf.tidy inside tf.variableGrads, and stays finite', () => {
    const v = tf.variable(tf.tensor1d([0.5, -1, 40, -40]));
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.logSigmoid(v.mul(2)).sum() as tf.Scalar), [v]);
    const expected = [0.5, -1, 40, -40].map((x) => 2 / (1 + Math.exp(2 * x)));
    Array.from(grads[v.name]!.dataSync()).forEach((g, i) => expect(g).to.be.closeTo(expected[i]!, 1e-6));
    expect(value.dataSync()[0]).to.be.closeTo(-80 + Math.log(1 / (1 + Math.exp(-1))) + Math.log(1 / (1 + Math.exp(2))), 1e-4);
    expect(Array.from(tf.logSigmoid(tf.tensor1d([-100, 100])).dataSync())).to.deep.equal([-100, Math.fround(-3.783505853677006e-44)]);
    const chained = tf.tensor1d([0]).logSigmoid().dataSync()[0]!;
    expect(chained).to.be.closeTo(-Math.log(2), 1e-6);
    tf.dispose([v, value, grads[v.name]!]);
  });
});
