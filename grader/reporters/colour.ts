// Colour is for a person at a terminal: never in files, logs or CI pages, and
// never when the user has set NO_COLOR (https://no-color.org: any non-empty value).
import { stripVTControlCharacters } from 'node:util';

export function colourWanted(stream: { isTTY?: boolean } = process.stdout): boolean {
  return stream.isTTY === true && !process.env.NO_COLOR;
}

/** A report as written to a file: without the colour codes it may have been drawn with. */
export function plainText(text: string): string {
  return stripVTControlCharacters(text);
}

/** A JSON document as written to a file; colour codes inside its strings (e.g. a student's error message) are dropped. */
export function plainJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'string' ? stripVTControlCharacters(inner) : inner), 2) + '\n';
}
