// Data files come both gzipped and plain (a user may have unpacked them), so
// readers sniff the gzip magic bytes instead of trusting the file name.
import { gunzipSync, gzipSync } from 'node:zlib';

const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** The bytes, gunzipped if they are gzip. `source` names the file in errors. */
export function gunzipIfNeeded(bytes: Uint8Array, source: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    // zlib's own message ("unexpected end of file", "incorrect header check")
    // does not say which of several files was bad.
    throw new Error(
      `${source}: corrupt or truncated gzip data (${(error as Error).message})`,
    );
  }
}

/**
 * Gzip whose output depends only on the input: node's zlib writes mtime 0 and
 * no file name, and the level is fixed, so committed files are reproducible.
 * (The header's OS byte is zlib's build default, 3 = Unix, on Linux and macOS.)
 */
export function gzipDeterministic(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 9 });
}
