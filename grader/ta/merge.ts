// `ta merge`: the output folders of the N shards of one class, put back in the
// order of the submission list. Refuses anything that would make a report
// quietly different from one machine's: a missing or repeated shard, shards of
// different lists, or a place graded twice or not at all.
import { UsageError } from '../target.ts';
import type { CompareOutput } from './compare-output.ts';

export function mergeShards(shards: readonly CompareOutput[], title?: string): CompareOutput {
  if (shards.length === 0) throw new UsageError('nothing to merge: give the output folders of the shards');
  const first = shards[0]!;
  const count = first.shard?.count ?? 1;
  const seen = new Set<number>();
  for (const shard of shards) {
    if (!shard.shard) throw new UsageError('one of the folders is not a shard (it was written without --shard, or by a merge)');
    if (shard.shard.count !== count || shard.total !== first.total) {
      throw new UsageError(`the shards are of different runs: ${first.shard!.index}/${count} of ${first.total} submissions and ${shard.shard.index}/${shard.shard.count} of ${shard.total}`);
    }
    if (seen.has(shard.shard.index)) throw new UsageError(`shard ${shard.shard.index}/${count} is given twice`);
    seen.add(shard.shard.index);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !seen.has(index));
  if (missing.length) throw new UsageError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing`);

  const submissions = shards.flatMap((shard) => shard.submissions).sort((a, b) => a.place - b.place);
  const lost = Array.from({ length: first.total }, (_, place) => place).filter((place, i) => submissions[i]?.place !== place);
  if (submissions.length !== first.total || lost.length) {
    throw new UsageError(`the shards do not cover the list of ${first.total} exactly once (place ${lost[0] ?? submissions.length} is missing or repeated)`);
  }
  return { format: first.format, title: title ?? first.title, total: first.total, submissions };
}
