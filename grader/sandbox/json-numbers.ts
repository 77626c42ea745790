// JSON that keeps what plain JSON loses on the way between the sandbox and
// the grader: NaN and ±Infinity (JSON writes null, which a comparison would
// read as 0, passing a NaN output) and typed arrays (JSON writes an object).
// Both sides take their functions before student code loads.

const stringify = JSON.stringify;
const parse = JSON.parse;
const isView = ArrayBuffer.isView;
const arrayFrom = Array.from;
const isFinite = Number.isFinite;
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

export function encodeNumbers(value: unknown): string {
  return stringify(value, (_key, item: unknown) => {
    if (typeof item === 'number' && !isFinite(item)) return `${item}`;
    if (isView(item) && !(item instanceof DataView)) return arrayFrom(item as unknown as ArrayLike<number>);
    return item;
  });
}

export function decodeNumbers(text: string): unknown {
  return parse(text, (_key, item: unknown) => (typeof item === 'string' && item in NON_FINITE ? NON_FINITE[item] : item));
}
