// Where the grader and the repository lie on disk. A module of its own, with no
// imports from the grader, so that any module can ask (provenance.ts, which the
// results schema reads) without importing the lesson registry.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const graderDir = dirname(fileURLToPath(import.meta.url));
export const repoDir = dirname(graderDir);
