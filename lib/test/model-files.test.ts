import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadModel, saveModel } from '../models/model-files.ts';
import { PRETRAINED_DIR, loadPretrainedModel } from '../models/pretrained.ts';
import { seedEverything } from '../seed.ts';
import { tf } from '#lib/tf.ts';

describe('model files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function savedModel() {
    seedEverything(3);
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    await saveModel(model, dir);
    return model;
  }

  it('round-trips weights and topology', async () => {
    const model = await savedModel();
    const loaded = await loadModel(dir);
    const input = tf.tensor2d([[1, 2, 3]]);
    expect(Array.from((loaded.predict(input) as tf.Tensor).dataSync())).to.deep.equal(
      Array.from((model.predict(input) as tf.Tensor).dataSync()),
    );
  });

  it('refuses a corrupt weights file, naming it', async () => {
    await savedModel();
    const file = join(dir, 'weights.bin');
    const bytes = readFileSync(file);
    bytes[0] ^= 0xff;
    writeFileSync(file, bytes);
    let error: Error | undefined;
    await loadModel(dir).catch((caught: Error) => (error = caught));
    expect(error?.message).to.match(/pretrained model file .*weights\.bin is corrupt or truncated \(\d+ bytes\): SHA-256 expected [0-9a-f]{64}, actual [0-9a-f]{64}\. Restore it/);
  });

  it('says which file is missing', async () => {
    await savedModel();
    unlinkSync(join(dir, 'weights.bin'));
    let error: Error | undefined;
    await loadModel(dir).catch((caught: Error) => (error = caught));
    expect(error?.message).to.include('weights.bin is missing');
  });

  it('loads the shipped pretrained model: 5 clothing classes from 28x28 grey images', async () => {
    const model = await loadPretrainedModel(PRETRAINED_DIR);
    expect(model.inputs[0]!.shape).to.deep.equal([null, 28, 28, 1]);
    expect(model.outputs[0]!.shape).to.deep.equal([null, 5]);
  });
});
