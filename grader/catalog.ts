// The bug catalog: every planted bug of every lesson, one zod-validated list.
// Each lesson keeps its bugs in grader/lessons/<id>/bugs.ts; bugs/ is generated
// from them, and the grader's self-test applies each one alone to solutions/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { FaultCategory } from './faults.ts';
import { graderDir, lessonIds } from './registry.ts';


export const BugSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case'),
  lesson: z.string(),
  /** The lesson file the patch applies to. */
  file: z.string(),
  /** A few words naming the mistake, for tables. */
  title: z.string(),
  category: FaultCategory,
  /** What a student sees when training with this bug. */
  symptom: z.string(),
  /** Ids of the checks that must fail when this bug alone is planted. */
  catches: z.array(z.string()).min(1),
  /** A nudge towards the bug that does not give the fix away. */
  hint: z.string(),
  /** `find` occurs exactly once in the solution file (markers removed). */
  patch: z.object({ find: z.string().min(1), replace: z.string() }),
});
export type Bug = z.infer<typeof BugSchema>;
export type BugInput = z.input<typeof BugSchema>;

/**
 * A correct alternative to the solution: a free choice the README leaves open
 * (initialiser, API style, how the loss or the step is written), which must
 * get full marks on every seed. An entry that deviates from a prescription
 * instead names the prescription checks that must fail, and only those.
 */
export const AlternateSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case'),
  lesson: z.string(),
  file: z.string(),
  /** A few words naming the choice, for tables. */
  title: z.string(),
  /** Why the program stays correct, or what prescription it departs from. */
  why: z.string(),
  /** Prescription checks this entry must fail (and no other); empty for a true alternate. */
  fails: z.array(z.string()).default([]),
  patch: z.object({ find: z.string().min(1), replace: z.string() }),
});
export type Alternate = z.infer<typeof AlternateSchema>;
export type AlternateInput = z.input<typeof AlternateSchema>;

/** What planting needs from a bug or an alternate. */
export type Patched = Pick<Bug, 'id' | 'lesson' | 'file' | 'patch'>;

export async function lessonAlternates(lessonId: string): Promise<Alternate[]> {
  return lessonEntries(lessonId, 'alternates.ts', AlternateSchema);
}

export async function loadAlternates(): Promise<Alternate[]> {
  return uniqueIds((await Promise.all(lessonIds().map(lessonAlternates))).flat());
}

/** A lesson's bugs from `bugs.ts` (the catalog), `frozen-bugs.ts` (the frozen set) or `dev-bugs.ts` (the development set). */
export async function lessonBugs(lessonId: string, fileName = 'bugs.ts'): Promise<Bug[]> {
  return lessonEntries(lessonId, fileName, BugSchema);
}

/** A lesson file's list of bugs or alternates, validated, each naming that lesson. */
async function lessonEntries<Schema extends z.ZodType<{ id: string; lesson: string }>>(
  lessonId: string,
  fileName: string,
  schema: Schema,
): Promise<z.infer<Schema>[]> {
  const file = join(graderDir, 'lessons', lessonId, fileName);
  if (!existsSync(file)) return [];
  const module = (await import(pathToFileURL(file).href)) as { default: unknown };
  const parsed = z.array(schema).safeParse(module.default);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  for (const entry of parsed.data) {
    if (entry.lesson !== lessonId) throw new Error(`${file}: ${entry.id} says lesson ${entry.lesson}`);
  }
  return parsed.data;
}

export async function loadCatalog(): Promise<Bug[]> {
  return uniqueIds((await Promise.all(lessonIds().map((id) => lessonBugs(id)))).flat());
}

/**
 * Bugs kept apart from the catalog to measure the diagnosis honestly: never
 * planted into bugs/, never used to tune the diagnosis, never edited.
 */
export async function loadFrozenSet(): Promise<Bug[]> {
  return uniqueIds((await Promise.all(lessonIds().map((id) => lessonBugs(id, 'frozen-bugs.ts')))).flat());
}

/**
 * Unseen bugs to develop the diagnosis on, beside the catalog, so that the
 * frozen set can stay unseen: written as students make mistakes, never
 * planted into bugs/. A rule tuned on them must still be general.
 */
export async function loadDevSet(): Promise<Bug[]> {
  return uniqueIds((await Promise.all(lessonIds().map((id) => lessonBugs(id, 'dev-bugs.ts')))).flat());
}

/** Every set of bugs by name, as `npm run mutants -- --set` chooses them. */
export const BUG_SETS = {
  catalog: loadCatalog,
  dev: loadDevSet,
  frozen: loadFrozenSet,
} as const;
export type BugSetName = keyof typeof BUG_SETS;

function uniqueIds<Entry extends { id: string }>(entries: Entry[]): Entry[] {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new Error(`two entries have the id ${entry.id}`);
    seen.add(entry.id);
  }
  return entries;
}

/** Plants one bug in the source of its file; the patch must match exactly once. */
export function plantBug(source: string, bug: Patched): string {
  const first = source.indexOf(bug.patch.find);
  if (first === -1) throw new Error(`${bug.id}: its patch's text is not in ${bug.lesson}/${bug.file}`);
  if (source.indexOf(bug.patch.find, first + 1) !== -1) {
    throw new Error(`${bug.id}: its patch's text occurs more than once in ${bug.lesson}/${bug.file}`);
  }
  return source.slice(0, first) + bug.patch.replace + source.slice(first + bug.patch.find.length);
}
