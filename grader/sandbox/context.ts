// The LessonContext that checks, fixtures and calibration run with: imports
// of the target's files and fixtures, each done once, announced as phases so
// the grader can tell what hung.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedEverything } from '#lib/seed.ts';
import type { LessonContext, LessonDefinition, Remote } from '../lesson.ts';
import type { Reference } from '../reference.ts';
import { graderSideFunction } from './grader-side.ts';
import { decodeNumbers, encodeNumbers } from './json-numbers.ts';

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
  /**
   * Runs one of the lesson's grader-side functions, `args` and the result
   * as json-numbers.ts's JSON. The sandbox asks the grader; in the grader's
   * own process (calibration) the function is called here.
   */
  compute?: (name: string, args: string) => Promise<string>;
}): LessonContext {
  const { lesson, lessonDir, seed, phases } = options;
  const compute = options.compute ?? (async (name: string, args: string) => {
    const run = await graderSideFunction(lesson.id, name);
    return encodeNumbers(await run(...(decodeNumbers(args) as unknown[])));
  });
  const remote = new Proxy({}, {
    // `then` too would make the object look like a promise to `await`.
    get: (_target, name) => (typeof name !== 'string' || name === 'then' ? undefined : async (...args: unknown[]) => decodeNumbers(await compute(name, encodeNumbers(args)))),
  });
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
    graderSide<Module>(): Remote<Module> {
      return remote as Remote<Module>;
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
