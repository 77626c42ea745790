// TensorFlow.js's packages, loaded with require. They are CommonJS bundles:
// imported from an ES module, Node first scans each one, and every package it
// re-exports (7 MB of JavaScript), for the names it exports. That scan cost
// each process 0.3 s more to start and 0.5 s more CPU time than require
// (tfjs plus the wasm backend: 0.55 s against 0.23 s, measured on 2 cores).
// Types come from the packages as usual, with `import type`.
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';
import { withFixes } from './tfjs-fixes.ts';

const require = createRequire(import.meta.url);

/** Loads one of tfjs's CommonJS packages; `T` is its type, from `import type`. */
export const requirePackage = <T>(name: string): T => require(name) as T;

/** tfjs, with the fixes for its known defects (tfjs-fixes.ts). */
export const tfjs = withFixes(requirePackage<typeof TF>('@tensorflow/tfjs'));
