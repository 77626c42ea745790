// The 1985 CPS wages data (534 workers, see cps-1985-wages/README.md): a small
// real tabular data set that ships with the course, for linear regression.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CPS_1985_FILE = fileURLToPath(new URL('./cps-1985-wages/cps1985.csv', import.meta.url));
const CPS_1985_SHA256 = '2714ce36025bb16853ff42335f321c966238c6b4aee346bfc81f390dd9e0ca93';

export interface WageRecord {
  /** Dollars per hour. */
  wage: number;
  /** Years of education. */
  education: number;
  /** Years of potential work experience: age - education - 6. */
  experience: number;
  age: number;
  ethnicity: 'cauc' | 'hispanic' | 'other';
  region: 'south' | 'other';
  gender: 'male' | 'female';
  occupation: 'worker' | 'technical' | 'services' | 'office' | 'sales' | 'management';
  sector: 'manufacturing' | 'construction' | 'other';
  union: boolean;
  married: boolean;
}

const COLUMNS = ['wage', 'education', 'experience', 'age', 'ethnicity', 'region', 'gender', 'occupation', 'sector', 'union', 'married'];

/** Parses the data set's CSV text (header line, then one worker per line, no quoting). */
export function parseWagesCsv(text: string): WageRecord[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines.shift()?.split(',');
  if (header?.join() !== COLUMNS.join()) throw new Error(`wages CSV: expected the columns ${COLUMNS.join(',')}, got ${header?.join(',')}`);
  return lines.map((line, index) => {
    const cells = line.split(',');
    if (cells.length !== COLUMNS.length) throw new Error(`wages CSV line ${index + 2}: ${cells.length} cells, expected ${COLUMNS.length}`);
    const number = (i: number) => {
      const value = Number(cells[i]);
      if (cells[i] === '' || !Number.isFinite(value)) throw new Error(`wages CSV line ${index + 2}: ${COLUMNS[i]} is not a number: "${cells[i]}"`);
      return value;
    };
    return {
      wage: number(0),
      education: number(1),
      experience: number(2),
      age: number(3),
      ethnicity: cells[4] as WageRecord['ethnicity'],
      region: cells[5] as WageRecord['region'],
      gender: cells[6] as WageRecord['gender'],
      occupation: cells[7] as WageRecord['occupation'],
      sector: cells[8] as WageRecord['sector'],
      union: cells[9] === 'yes',
      married: cells[10] === 'yes',
    };
  });
}

/** All 534 workers, in the file's order; the file's checksum is verified first. */
export function loadCps1985Wages(file = CPS_1985_FILE): WageRecord[] {
  const bytes = readFileSync(file);
  if (file === CPS_1985_FILE) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== CPS_1985_SHA256) throw new Error(`${file}: SHA-256 ${sha256} differs from the committed data's ${CPS_1985_SHA256}`);
  }
  return parseWagesCsv(bytes.toString('utf8'));
}
