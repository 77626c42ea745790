// Work over a list, a few items at a time: the graders of mutants, alternates
// and a class's submissions each run one sandbox per core this way.
import pMap from 'p-map';

/** Runs `work` over `items` with at most `limit` running at once, keeping the order of results. */
export function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  return pMap(items, (item) => work(item), { concurrency: Math.max(1, limit) });
}
