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
  symptoms: { check: string; message: string }[];
  causes: RankedCause[];
}

export function diagnose(lesson: LessonResult): Diagnosis {
  const failing = lesson.checks.filter((check) => check.status !== 'pass');
  const byCategory = new Map<FaultCategory, RankedCause>();
  for (const check of failing) {
    for (const cause of check.causes) {
      const ranked = byCategory.get(cause.category) ?? { category: cause.category, score: 0, reasons: [] };
      ranked.score += cause.weight;
      if (!ranked.reasons.includes(cause.text)) ranked.reasons.push(cause.text);
      byCategory.set(cause.category, ranked);
    }
  }
  // Ties go to the category named first, i.e. by the earliest failing check: the root of a chain of symptoms.
  const causes = [...byCategory.values()].sort((a, b) => b.score - a.score);
  return { symptoms: failing.map((check) => ({ check: check.id, message: check.message })), causes };
}

export function explain(lesson: LessonResult): string {
  const { symptoms, causes } = diagnose(lesson);
  if (symptoms.length === 0) return `${lesson.id}: every check passes; nothing to diagnose.`;
  const lines = [`Diagnosis of ${lesson.id}`, '', 'Symptoms:'];
  for (const symptom of symptoms) lines.push(`  - ${symptom.check}: ${symptom.message}`);
  lines.push('', 'Likely causes, most likely first:');
  if (causes.length === 0) lines.push('  (the failing checks name no cause: read their messages above)');
  causes.forEach((cause, rank) => {
    lines.push(`  ${rank + 1}. ${cause.category} (evidence ${cause.score})`);
    for (const reason of cause.reasons) lines.push(`       ${reason}`);
  });
  return lines.join('\n');
}
