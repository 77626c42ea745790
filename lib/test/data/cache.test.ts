import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cachedDownload, defaultCacheDir, type RemoteFile } from '../../data/cache.ts';
import { fakeServer } from './fake-fetcher.ts';
import { makeTempDir } from './temp-dir.ts';

const URL = 'https://data.example/set.bin';
const CONTENT = Uint8Array.from({ length: 5500 }, (_, i) => (i * 7) % 251);
const SHA = createHash('sha256').update(CONTENT).digest('hex');
const FILE: RemoteFile = { url: URL, fileName: 'set.bin', sha256: SHA, bytes: CONTENT.length };
const quiet = () => {};

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('download cache', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => ({ dir, remove } = makeTempDir('cache')));
  afterEach(() => remove());

  it('downloads once, verifies, and serves later calls from the cache', async () => {
    const server = fakeServer({ [URL]: { kind: 'serve', bytes: CONTENT } });
    const options = { cacheDir: dir, fetcher: server.fetcher, log: quiet };
    const path = await cachedDownload(FILE, options);
    expect(path).to.equal(join(dir, 'set.bin'));
    expect(readFileSync(path).equals(CONTENT)).to.equal(true);
    expect(await cachedDownload(FILE, options)).to.equal(path);
    expect(server.requests).to.deep.equal([URL]);
    expect(readdirSync(dir)).to.deep.equal(['set.bin']);
  });

  it('rejects a truncated download, caching nothing', async () => {
    const server = fakeServer({ [URL]: { kind: 'serve', bytes: CONTENT.subarray(0, 3000) } });
    const error = await rejection(cachedDownload(FILE, { cacheDir: dir, fetcher: server.fetcher, log: quiet }));
    expect(error.message).to.include('Checksum mismatch for set.bin');
    expect(error.message).to.include(`expected ${SHA}`);
    expect(error.message).to.include(`actual ${createHash('sha256').update(CONTENT.subarray(0, 3000)).digest('hex')}`);
    expect(error.message).to.include('received 3000 bytes, expected 5500');
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('rejects a download with the wrong checksum, caching nothing', async () => {
    const other = Uint8Array.from(CONTENT).fill(1, 100, 200);
    const server = fakeServer({ [URL]: { kind: 'serve', bytes: other } });
    const error = await rejection(cachedDownload(FILE, { cacheDir: dir, fetcher: server.fetcher, log: quiet }));
    expect(error.message).to.match(/Checksum mismatch for set\.bin downloaded from https:\/\/data\.example\/set\.bin/);
    expect(error.message).to.include(`expected ${SHA}`);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('cleans up after a connection that breaks mid-download', async () => {
    const server = fakeServer({ [URL]: { kind: 'break', bytes: CONTENT, after: 2000 } });
    const error = await rejection(cachedDownload(FILE, { cacheDir: dir, fetcher: server.fetcher, log: quiet }));
    expect(error.message).to.match(/Download of https:\/\/data\.example\/set\.bin failed: interrupted after 2000 bytes \(socket hang up\)/);
    expect(readdirSync(dir)).to.deep.equal([]);
    // A later, successful attempt still works.
    const retry = fakeServer({ [URL]: { kind: 'serve', bytes: CONTENT } });
    await cachedDownload(FILE, { cacheDir: dir, fetcher: retry.fetcher, log: quiet });
    expect(readdirSync(dir)).to.deep.equal(['set.bin']);
  });

  it('reports an unreachable host and HTTP errors', async () => {
    const down = fakeServer({ [URL]: { kind: 'unreachable' } });
    const error = await rejection(cachedDownload(FILE, { cacheDir: dir, fetcher: down.fetcher, log: quiet }));
    expect(error.message).to.match(/Download of .*set\.bin failed: getaddrinfo ENOTFOUND/);
    const missing = fakeServer({});
    const notFound = await rejection(cachedDownload(FILE, { cacheDir: dir, fetcher: missing.fetcher, log: quiet }));
    expect(notFound.message).to.match(/set\.bin failed: HTTP 404 Not Found/);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('refuses a cached file that was corrupted later, without downloading', async () => {
    writeFileSync(join(dir, 'set.bin'), CONTENT.subarray(0, 10));
    const server = fakeServer({ [URL]: { kind: 'serve', bytes: CONTENT } });
    const error = await rejection(cachedDownload(FILE, { cacheDir: dir, fetcher: server.fetcher, log: quiet }));
    expect(error.message).to.match(/Cached file .*set\.bin is corrupt: SHA-256 expected [0-9a-f]{64}, actual [0-9a-f]{64}/);
    expect(server.requests).to.deep.equal([]);
  });

  it('puts the cache under DL_COURSE_CACHE, else ~/.cache/dl-course', () => {
    const saved = process.env['DL_COURSE_CACHE'];
    try {
      process.env['DL_COURSE_CACHE'] = dir;
      expect(defaultCacheDir()).to.equal(dir);
      delete process.env['DL_COURSE_CACHE'];
      expect(defaultCacheDir()).to.equal(join(homedir(), '.cache', 'dl-course'));
    } finally {
      if (saved === undefined) delete process.env['DL_COURSE_CACHE'];
      else process.env['DL_COURSE_CACHE'] = saved;
    }
  });
});
