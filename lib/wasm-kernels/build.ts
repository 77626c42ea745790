// npm run build-kernels: compiles batched-matmul.c into the batched-matmul.wasm
// committed beside it, with clang's wasm32 target (Debian: apt-get install clang
// lld). Students never build it; the course ships the 3 KB binary. The binary
// carries the SHA-256 of the source it was built from in a custom section, so
// a test can tell when the source changed and the binary was not rebuilt.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOURCE_HASH_SECTION = 'source-sha256';

export const kernelSource = fileURLToPath(new URL('./batched-matmul.c', import.meta.url));
export const kernelBinary = fileURLToPath(new URL('./batched-matmul.wasm', import.meta.url));

export function sourceHash(): string {
  return createHash('sha256').update(readFileSync(kernelSource)).digest('hex');
}

/** A WebAssembly unsigned LEB128 number. */
function leb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return bytes;
}

/** A custom section (id 0): its name, then its bytes. */
function customSection(name: string, payload: Uint8Array): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const body = [...leb128(nameBytes.length), ...nameBytes, ...payload];
  return Uint8Array.from([0, ...leb128(body.length), ...body]);
}

function build(): void {
  // -mbulk-memory lets zeroing loops become memory.fill: there is no libc to call memset from.
  execFileSync('clang', ['--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry', '-Wl,--export=__heap_base', '-o', kernelBinary, kernelSource], { stdio: 'inherit' });
  const section = customSection(SOURCE_HASH_SECTION, new TextEncoder().encode(sourceHash()));
  writeFileSync(kernelBinary, Buffer.concat([readFileSync(kernelBinary), section]));
  console.log(`wrote ${kernelBinary.split(/[\\/]/).slice(-3).join('/')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) build();
