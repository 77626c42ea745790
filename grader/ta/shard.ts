// A class too big for one machine is graded in N slices (shards), each on its
// own machine (a GitHub Actions matrix), and merged into one report. The slice
// a submission falls in depends only on its place in the list, so every shard
// agrees on it without talking to the others.
import { readFileSync } from 'node:fs';
import { UsageError } from '../usage-error.ts';

export interface Shard {
  /** 1-based: shard 1 of 3 is the first. */
  index: number;
  count: number;
}

/** Reads "K/N" as given to --shard. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be K/N with 1 <= K <= N, e.g. 2/5, not "${text}"`);
  }
  return { index, count };
}

/**
 * The places in the list that belong to a shard: every N-th, starting at the
 * K-th. Dealt out like cards rather than cut into blocks, so a list sorted by
 * something that costs time (section, size of the repository) spreads evenly.
 */
export function shardPlaces(length: number, shard: Shard): number[] {
  const places: number[] = [];
  for (let place = shard.index - 1; place < length; place += shard.count) places.push(place);
  return places;
}

/** A submission list file: one submission a line; blank lines and lines starting with # are skipped. */
export function readSubmissionList(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read the submission list "${file}"`);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}
