// The LessonContext that checks, fixtures and calibration run with: imports
// of the target's files and fixtures, each done once, announced as phases so
// the grader can tell what hung.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedEverything } from '#lib/seed.ts';
import type { LessonContext, LessonDefinition } from '../lesson.ts';
import type { Reference } from '../reference.ts';

export interface PhaseListener {
  started(phase: string): void;
  finished(phase: string): void;
  failed(phase: string, error: unknown): void;
}

export function createContext(options: {
  lesson: LessonDefinition;
  lessonDir: string;
  seed: number;
  reference: Reference | undefined;
  phases?: PhaseListener;
}): LessonContext {
  const { lesson, lessonDir, seed, phases } = options;
  const loaded = new Map<string, Promise<unknown>>();
  const fixtures = new Map<string, Promise<unknown>>();

  async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    phases?.started(name);
    try {
      const value = await work();
      phases?.finished(name);
      return value;
    } catch (error) {
      phases?.failed(name, error);
      throw error;
    }
  }

  const context: LessonContext = {
    lessonDir,
    seed,
    reference: options.reference,
    load<Module>(file: string): Promise<Module> {
      if (!loaded.has(file)) {
        loaded.set(
          file,
          phase(`load:${file}`, async () => {
            const path = join(lessonDir, file);
            if (!readable(path)) throw new Error(`missing file ${relative(process.cwd(), path) || path}`);
            return import(pathToFileURL(path).href);
          }),
        );
      }
      return loaded.get(file) as Promise<Module>;
    },
    fixture<Value>(name: string): Promise<Value> {
      const fixture = lesson.fixtures[name];
      if (!fixture) throw new Error(`lesson ${lesson.id} has no fixture ${name}`);
      if (!fixtures.has(name)) {
        fixtures.set(
          name,
          phase(`fixture:${name}`, async () => {
            seedEverything(seed);
            return fixture.run(context);
          }),
        );
      }
      return fixtures.get(name) as Promise<Value>;
    },
  };
  return context;
}

/** Whether `path` exists; the sandbox may not even ask about a lesson folder that does not exist. */
function readable(path: string): boolean {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
}
