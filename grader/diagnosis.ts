// The diagnosis of a graded lesson: the symptoms its failing checks saw, and
// the fault categories they point at, ranked by the weight of the evidence.
import type { FaultCategory } from './faults.ts';
import type { LessonResult } from './results.ts';

export interface RankedCause {
  category: FaultCategory;
  score: number;
  reasons: string[];
}

export interface Diagnosis {
  /** `followsFrom`: failing checks of the parts this check's subject is built from. */
  symptoms: { check: string; message: string; followsFrom: string[] }[];
  causes: RankedCause[];
}

export function diagnose(lesson: LessonResult): Diagnosis {
  const failing = lesson.checks.filter((check) => check.status !== 'pass');
  const failed = new Set(failing.map((check) => check.id));
  const followsFrom = (check: LessonResult['checks'][number]) => check.buildsOn.filter((id) => failed.has(id));
  const byCategory = new Map<FaultCategory, RankedCause>();
  for (const check of failing) {
    // A symptom downstream of another failing check adds no evidence of its own.
    if (followsFrom(check).length > 0) continue;
    for (const cause of check.causes) {
      const ranked = byCategory.get(cause.category) ?? { category: cause.category, score: 0, reasons: [] };
      ranked.score += cause.weight;
      if (!ranked.reasons.includes(cause.text)) ranked.reasons.push(cause.text);
      byCategory.set(cause.category, ranked);
    }
  }
  // Ties go to the category named first, i.e. by the earliest failing check: the root of a chain of symptoms.
  const causes = [...byCategory.values()].sort((a, b) => b.score - a.score);
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
  lines.push('', 'Likely causes, most likely first:');
  if (causes.length === 0) lines.push('  (the failing checks name no cause: read their messages above)');
  causes.forEach((cause, rank) => {
    lines.push(`  ${rank + 1}. ${cause.category} (evidence ${cause.score})`);
    for (const reason of cause.reasons) lines.push(`       ${reason}`);
  });
  return lines.join('\n');
}
