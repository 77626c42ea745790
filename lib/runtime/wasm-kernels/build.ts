// npm run build-kernels: compiles this folder's C files into the one module,
// kernels.wasm, committed beside them, with clang's wasm32 target (Debian:
// apt-get install clang lld). Students never build it; the course ships the
// small binary. The binary carries the SHA-256 of the sources it was built
// from in a custom section (line endings as in git, so a Windows checkout
// agrees), so a test can tell when a source changed and the binary was not
// rebuilt.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SOURCE_HASH_SECTION = 'source-sha256';

const folder = fileURLToPath(new URL('.', import.meta.url));
/** The C sources and their header, in a fixed order. */
export const kernelSources = () => readdirSync(folder).filter((name) => /\.[ch]$/.test(name)).sort();
export const kernelBinary = fileURLToPath(new URL('./kernels.wasm', import.meta.url));

export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of kernelSources()) hash.update(`${name}\n${readFileSync(folder + name, 'utf8').replace(/\r\n/g, '\n')}`);
  return hash.digest('hex');
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
  execFileSync('clang', ['--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry', '-Wl,--export=__heap_base', '-o', kernelBinary, ...kernelSources().filter((name) => name.endsWith('.c')).map((name) => folder + name)], { stdio: 'inherit' });
  const section = customSection(SOURCE_HASH_SECTION, new TextEncoder().encode(sourceHash()));
  writeFileSync(kernelBinary, Buffer.concat([readFileSync(kernelBinary), section]));
  chmodSync(kernelBinary, 0o644); // the linker makes it executable; it is data
  console.log(`wrote ${kernelBinary.split(/[\\/]/).slice(-3).join('/')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) build();
