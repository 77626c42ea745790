// Re-grades a lesson whenever one of its files is saved (rustlings-style).
import { watch } from 'node:fs';
import { join } from 'node:path';

/**
 * Calls `onChange(lesson)` after a lesson folder's files stop changing for
 * `quietMs` (editors save in several writes). Returns a function that stops watching.
 */
export function watchLessons(targetDir: string, lessons: readonly string[], onChange: (lesson: string) => void, quietMs = 300) {
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers = lessons.map((lesson) =>
    watch(join(targetDir, lesson), { recursive: true }, () => {
      clearTimeout(timers.get(lesson));
      timers.set(lesson, setTimeout(() => onChange(lesson), quietMs));
    }),
  );
  return () => {
    for (const watcher of watchers) watcher.close();
    for (const timer of timers.values()) clearTimeout(timer);
  };
}
