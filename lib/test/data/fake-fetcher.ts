// A stand-in for fetch that serves bytes from memory, so download tests need
// no network and can make the transfer fail in chosen ways.
import type { DownloadResponse, Fetcher } from '../../data/cache.ts';

export interface FakeServer {
  fetcher: Fetcher;
  /** URLs requested so far. */
  requests: string[];
}

export type Behaviour =
  | { kind: 'serve'; bytes: Uint8Array }
  /** Sends the first `after` bytes, then the connection breaks. */
  | { kind: 'break'; bytes: Uint8Array; after: number }
  | { kind: 'status'; status: number; statusText: string }
  | { kind: 'unreachable' };

async function* chunks(bytes: Uint8Array, breakAfter?: number): AsyncGenerator<Uint8Array> {
  const end = breakAfter ?? bytes.length;
  for (let at = 0; at < end; at += 1000) yield bytes.slice(at, Math.min(at + 1000, end));
  if (breakAfter !== undefined) throw new Error('socket hang up');
}

export function fakeServer(routes: Record<string, Behaviour>): FakeServer {
  const requests: string[] = [];
  const fetcher = async (url: string): Promise<DownloadResponse> => {
    requests.push(url);
    const route = routes[url];
    if (route === undefined) return { ok: false, status: 404, statusText: 'Not Found', body: null };
    switch (route.kind) {
      case 'serve':
        return { ok: true, status: 200, statusText: 'OK', body: chunks(route.bytes) };
      case 'break':
        return { ok: true, status: 200, statusText: 'OK', body: chunks(route.bytes, route.after) };
      case 'status':
        return { ok: false, status: route.status, statusText: route.statusText, body: null };
      case 'unreachable':
        throw new Error('getaddrinfo ENOTFOUND');
    }
  };
  return { fetcher, requests };
}
