// The diagnosis of a graded lesson: the symptoms its failing checks saw, and
// the fault categories they point at, ranked by the weight of the evidence.
// Evidence comes from two places: the causes each failing check names, and
// rules over what the run measured (grader/evidence/rules.ts), which weigh a
// symptom by what it measures rather than by which check happened to fail.
import { evidence } from './evidence/rules.ts';
import type { FaultCategory } from './faults.ts';
import type { LessonResult } from './results.ts';

export interface RankedCause {
  category: FaultCategory;
  score: number;
  /** What was seen that points at this category, strongest first. */
  reasons: string[];
}

export interface Diagnosis {
  /** `followsFrom`: failing checks of the parts this check's subject is built from. */
  symptoms: { check: string; message: string; followsFrom: string[] }[];
  causes: RankedCause[];
}

/** How many causes the explanation and the results show. */
export const SHOWN_CAUSES = 3;

export function diagnose(lesson: LessonResult): Diagnosis {
  const failing = lesson.checks.filter((check) => check.status !== 'pass');
  const failed = new Set(failing.map((check) => check.id));
  const followsFrom = (check: LessonResult['checks'][number]) => check.buildsOn.filter((id) => failed.has(id));
  const measured = failing.length ? evidence(lesson) : { causes: [], explains: new Map() };
  const byCategory = new Map<FaultCategory, RankedCause & { weights: number[] }>();
  const add = (cause: { category: FaultCategory; weight: number; text: string }) => {
    const ranked = byCategory.get(cause.category) ?? { category: cause.category, score: 0, reasons: [], weights: [] };
    ranked.score += cause.weight;
    if (!ranked.reasons.includes(cause.text)) {
      // Keep the reasons in order of their weight: the strongest evidence is named first.
      const at = ranked.weights.findIndex((weight) => weight < cause.weight);
      const index = at === -1 ? ranked.reasons.length : at;
      ranked.reasons.splice(index, 0, cause.text);
      ranked.weights.splice(index, 0, cause.weight);
    }
    byCategory.set(cause.category, ranked);
  };
  for (const check of failing) {
    // A symptom downstream of another failing check adds no evidence of its own.
    if (followsFrom(check).length > 0) continue;
    for (const cause of measured.explains.get(check.id) ?? check.causes) add(cause);
  }
  for (const cause of measured.causes) add(cause);
  // Ties go to the category named first, i.e. by the earliest failing check: the root of a chain of symptoms.
  const causes = [...byCategory.values()]
    .sort((a, b) => b.score - a.score)
    .map(({ category, score, reasons }) => ({ category, score: Math.round(score * 100) / 100, reasons }));
  return { symptoms: failing.map((check) => ({ check: check.id, message: check.message, followsFrom: followsFrom(check) })), causes };
}

export function explain(lesson: LessonResult): string {
  const { symptoms, causes } = diagnose(lesson);
  if (symptoms.length === 0) return `${lesson.id}: every check passes; nothing to diagnose.`;
  const lines = [`Diagnosis of ${lesson.id}`, '', 'Symptoms:'];
  for (const symptom of symptoms) {
    const after = symptom.followsFrom.length ? ` (may follow from ${symptom.followsFrom.join(', ')}, which fails too)` : '';
    lines.push(`  - ${symptom.check}${after}: ${symptom.message}`);
  }
  lines.push('', `Likely causes, most likely first (the top ${SHOWN_CAUSES}, each with its evidence):`);
  if (causes.length === 0) lines.push('  (the failing checks name no cause: read their messages above)');
  causes.slice(0, SHOWN_CAUSES).forEach((cause, rank) => {
    lines.push(`  ${rank + 1}. ${cause.category} (evidence ${cause.score})`);
    for (const reason of cause.reasons) lines.push(`       ${reason}`);
  });
  const rest = causes.slice(SHOWN_CAUSES);
  if (rest.length) lines.push(`  Less likely: ${rest.map((cause) => `${cause.category} (${cause.score})`).join(', ')}`);
  return lines.join('\n');
}
