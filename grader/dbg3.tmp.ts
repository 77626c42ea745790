import { runLesson } from './sandbox/run-lesson.ts';
import { loadLesson } from './registry.ts';
const lesson = await loadLesson('01-linear-regression');
const one = { ...lesson, checks: lesson.checks.slice(0, 1) };
try { console.log(JSON.stringify(await runLesson(one, { lessonId: lesson.id, lessonDir: process.cwd() + '/solutions/01-linear-regression', seed: 1 })).slice(0, 500)); } catch (e) { console.log(String(e)); }
