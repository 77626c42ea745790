// A minimal reader for (uncompressed) ustar archives, enough to unpack the
// CIFAR-10 archive. It is hand-written because no tar library is among the
// project's dependencies and one archive of six plain files does not justify
// adding one: it reads regular files only, skips every other entry type (so GNU and pax
// long names, which CIFAR-10 does not use, are not supported), and
// checks each header's checksum so a corrupt archive fails loudly.

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return Buffer.from(end >= 0 ? field.subarray(0, end) : field).toString('utf8');
}

function octal(block: Uint8Array, offset: number, length: number): number {
  const digits = text(block, offset, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

/** Regular files of a tar archive, in archive order. `source` names it in errors. */
export function readTar(archive: Uint8Array, source: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return entries; // end-of-archive marker
    // The checksum is the byte sum of the header with its own field as spaces.
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (sum !== octal(header, 148, 8)) {
      throw new Error(`${source}: corrupt tar header at byte ${offset}`);
    }
    // POSIX ustar may split a long name into prefix/name; old GNU archives
    // (magic "ustar  ") keep other fields at the prefix's offset.
    const posix = text(header, 257, 6) === 'ustar';
    const prefix = posix ? text(header, 345, 155) : '';
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const start = offset + BLOCK;
    if (start + size > archive.length) {
      throw new Error(`${source}: truncated tar archive: ${name} needs ${size} bytes, ${archive.length - start} remain`);
    }
    if (type === '0' || type === '\0') entries.push({ name, data: archive.subarray(start, start + size) });
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error(`${source}: truncated tar archive: no end-of-archive marker`);
}
