import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { backend, tf } from '#lib/tf.ts';

const modules = fileURLToPath(new URL('../../../node_modules', import.meta.url));

/** Every installed copy of a package, nested ones included. */
function copiesOf(name: string, dir = modules): string[] {
  const found: string[] = [];
  if (existsSync(join(dir, name, 'package.json'))) found.push(join(dir, name));
  for (const entry of readdirSync(dir)) {
    const scopeOrPackage = join(dir, entry);
    if (!statSync(scopeOrPackage).isDirectory()) continue;
    const children = entry.startsWith('@') ? readdirSync(scopeOrPackage).map((child) => join(scopeOrPackage, child)) : [scopeOrPackage];
    for (const child of children) {
      const nested = join(child, 'node_modules');
      if (existsSync(nested)) found.push(...copiesOf(name, nested));
    }
  }
  return found;
}

describe('the tf module', () => {
  it('runs on the backend it reports', () => {
    const names = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu' } as const;
    expect(tf.getBackend()).to.equal(names[backend.name]);
    expect(backend.reason).to.be.a('string').and.not.equal('');
  });

  it('is the package @tensorflow/tfjs, with every name its ES module namespace has (what tf.types.d.ts declares)', async () => {
    const namespace = (await import('@tensorflow/tfjs')) as Record<string, unknown>;
    const names = Object.keys(namespace).filter((name) => name !== 'default');
    expect(names.length).to.be.above(500);
    const missing = names.filter((name) => !(name in tf));
    expect(missing).to.deep.equal([]);
    expect(tf.zeros).to.equal(namespace.zeros);
    expect(tf.engine()).to.equal((namespace.engine as typeof tf.engine)());
  });

  it('shares one copy of tfjs-core with every tfjs package, tfjs-node included when installed', () => {
    expect(copiesOf('@tensorflow/tfjs-core').map((path) => path.slice(modules.length))).to.deep.equal([
      '/@tensorflow/tfjs-core',
    ]);
  });

  it('tfjs-node, when installed, runs on our tfjs-core: the same module instance, so the same engine', async function () {
    const nodePackage = join(modules, '@tensorflow', 'tfjs-node', 'package.json');
    if (!existsSync(nodePackage)) {
      // Its install script downloads a native library; without it the course runs on wasm.
      console.log('      (skipped: @tensorflow/tfjs-node is not installed)');
      this.skip();
    }
    const ours = createRequire(join(modules, '@tensorflow', 'tfjs', 'package.json'));
    const theirs = createRequire(nodePackage);
    expect(theirs.resolve('@tensorflow/tfjs-core')).to.equal(ours.resolve('@tensorflow/tfjs-core'));
    const theirCore = (await import(theirs.resolve('@tensorflow/tfjs-core'))) as typeof tf;
    expect(theirCore.engine()).to.equal(tf.engine());
    expect(tf.engine().registryFactory).to.have.property('tensorflow');
  });
});
