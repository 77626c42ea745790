// The bench runs, so that the speed figures the README quotes can be printed
// again: its kernel timings end in one JSON line, and a wrong --model is
// refused with the models it knows. Only that it works is tested, never a
// speed: timed tests flake on a busy machine.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const bench = fileURLToPath(new URL('../bench/lenet.ts', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', bench, ...args], { encoding: 'utf8', env: { ...process.env, TFJS_QUIET: '1' }, timeout: 120_000 });

describe('npm run bench', () => {
  it('--model kernels times every kernel it lists and ends with their microseconds as JSON', () => {
    const child = run('--model', 'kernels', '--steps', '1', '--blocks', '1');
    expect(child.status, child.stderr).to.equal(0);
    const lines = child.stdout.trim().split('\n');
    const { model, microseconds } = JSON.parse(lines.at(-1)!) as { model: string; microseconds: Record<string, number> };
    expect(model).to.equal('kernels');
    expect(Object.keys(microseconds)).to.have.length(lines.length - 1);
    for (const [name, us] of Object.entries(microseconds)) expect(us, name).to.be.a('number').and.above(0);
  });

  it('refuses a model it does not know, naming the ones it does', () => {
    const child = run('--model', 'resnet');
    expect(child.status).to.not.equal(0);
    expect(child.stderr).to.contain('--model must be lenet, transformer or kernels, not "resnet"');
  });
});
