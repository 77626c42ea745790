// The committed kernels.wasm is built from the committed C sources beside it.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { SOURCE_HASH_SECTION, kernelBinary, sourceHash } from '../../runtime/wasm-kernels/build.ts';

describe('the SIMD kernel binary', () => {
  it('was built from the source beside it (else: npm run build-kernels)', () => {
    const module = new WebAssembly.Module(readFileSync(kernelBinary));
    const [section] = WebAssembly.Module.customSections(module, SOURCE_HASH_SECTION);
    expect(section, 'the binary names no source').to.not.equal(undefined);
    expect(new TextDecoder().decode(section), 'a C source changed since kernels.wasm was built').to.equal(sourceHash());
  });
});
