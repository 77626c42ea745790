// Types of typescript-loader.mjs, for the grader's TypeScript.
export function prepare(dir: string, files: readonly string[]): string[];
export const cacheEnv: string;
