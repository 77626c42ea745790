// The grid of the TA's report: one row per submission, one column per lesson,
// each lesson expanding into its checks. It is drawn in the browser (by
// compare-grid.client.js, inlined) from a compact JSON copy of the results, so
// that 300 submissions × 73 checks stay a few megabytes and can be sorted and
// filtered; messages are stored once however many students share them.
import { readFileSync } from 'node:fs';
import type { SubmissionReport } from './submission.ts';
import { checkOf, type Column } from './class-summary.ts';

const STATUS = { pass: 0, fail: 1, error: 2 } as const;

/** What the script reads: columns, lessons as groups of columns, messages, and per student [status, points, message] per column. */
export interface GridData {
  columns: { lesson: string; check: string; title: string; maxPoints: number }[];
  lessons: { id: string; maxPoints: number; columns: number[] }[];
  messages: string[];
  students: {
    name: string;
    source: string;
    points: number | null;
    maxPoints: number | null;
    error?: string;
    tampering: number;
    cells: ([number, number, number] | null)[];
  }[];
}

export function gridData(reports: readonly SubmissionReport[], columns: readonly Column[]): GridData {
  const messages: string[] = [];
  const messageIndex = new Map<string, number>();
  const indexOf = (message: string) => {
    if (!messageIndex.has(message)) messageIndex.set(message, messages.push(message) - 1);
    return messageIndex.get(message)!;
  };
  const lessons = [...new Set(columns.map((column) => column.lesson))].map((id) => {
    const members = columns.flatMap((column, index) => (column.lesson === id ? [index] : []));
    return { id, maxPoints: members.reduce((sum, index) => sum + columns[index]!.maxPoints, 0), columns: members };
  });
  const students = reports.map((report) => ({
    name: report.name,
    source: report.source,
    points: report.results?.points ?? null,
    maxPoints: report.results?.maxPoints ?? null,
    ...(report.error ? { error: report.error } : {}),
    tampering: report.tampering.length,
    cells: columns.map((column): [number, number, number] | null => {
      const check = checkOf(report, column);
      return check ? [STATUS[check.status], check.points, indexOf(check.message)] : null;
    }),
  }));
  return { columns: columns.map(({ lesson, check, title, maxPoints }) => ({ lesson, check, title, maxPoints })), lessons, messages, students };
}

const script = readFileSync(new URL('./compare-grid.client.js', import.meta.url), 'utf8');

/** JSON inside a <script> element: "<" escaped so that no message can close the element. */
const inlineJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function gridHtml(data: GridData): string {
  const lessonOptions = data.lessons.map((lesson) => `<option>${lesson.id.replace(/[&<>"]/g, '')}</option>`).join('');
  return `<section id="grid">
<h2>Points per submission</h2>
<form class="controls" onsubmit="return false">
<label>student <input type="search" name="student" placeholder="name or repository"></label>
<label>lesson <select name="lesson"><option value="">every lesson</option>${lessonOptions}</select></label>
<label>check <input type="search" name="check" placeholder="id or title"></label>
<label><input type="checkbox" name="failing"> only submissions failing a shown check</label>
<button type="button" name="expand">expand every lesson</button>
<button type="button" name="collapse">collapse every lesson</button>
<span class="count"></span>
</form>
<p class="hint">Click ▸ on a lesson to see its checks, a heading to sort, a cell to read its message in full; failing checks show their message in the cell.</p>
<div class="grid-box"><table class="matrix"><thead></thead><tbody></tbody></table></div>
<div id="message" class="message-panel" hidden></div>
<script type="application/json" id="grid-data">${inlineJson(data)}</script>
<script>${script}</script>
</section>`;
}

export const GRID_STYLE = `
.grid-box { overflow: auto; max-height: 75vh; border: 1px solid #ccc; }
table.matrix { margin: 0; }
table.matrix thead th { position: sticky; top: 0; z-index: 2; }
table.matrix thead tr:nth-child(2) th { top: 2.1rem; }
table.matrix th.name { position: sticky; left: 0; z-index: 1; background: #fafafa; white-space: nowrap; }
table.matrix thead th.name { z-index: 3; }
table.matrix .total { position: sticky; right: 0; z-index: 1; background: #f3f3f3; font-weight: bold; white-space: nowrap; }
table.matrix thead th.total { z-index: 3; }
table.matrix td { cursor: pointer; min-width: 2.5rem; }
table.matrix td .msg { font-size: 0.75em; color: #444; max-width: 18ch; max-height: 3.6em; overflow: hidden; }
table.matrix th button { border: none; background: none; cursor: pointer; font-size: 1em; padding: 0 0.2rem; }
table.matrix th[data-sort] { cursor: pointer; }
table.matrix th.sorted::after { content: " ↕"; color: #888; }
.partial { background: #fff3d6; } .full { background: #e3f6e3; } .none { background: #fde2e1; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; margin: 0.5rem 0; }
.message-panel { position: sticky; bottom: 0; background: #fffbe6; border: 1px solid #e0c97a; padding: 0.5rem; margin-top: 0.5rem; white-space: pre-wrap; }
.hint { color: #555; font-size: 0.9em; }
tr.selected th.name { background: #ffe08a; }
`;
