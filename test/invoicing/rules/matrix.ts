/** SAT's CFDI 4.0 error matrix as test data (test/fixtures/sat/validation/cfdi40-error-matrix.csv). */
import { readFileSync } from 'node:fs';
import { splitCsvLine } from '../../../src/sat/catalogs.ts';

export interface MatrixRow {
  readonly code: string;
  readonly offline: string;
  readonly message: string;
}

const CSV = new URL('../../fixtures/sat/validation/cfdi40-error-matrix.csv', import.meta.url);

export function matrixRows(): MatrixRow[] {
  const [header = '', ...lines] = readFileSync(CSV, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const columns = splitCsvLine(header);
  const index = (name: string) => columns.indexOf(name);
  return lines.map((line) => {
    const cells = splitCsvLine(line);
    return {
      code: cells[index('code')] ?? '',
      offline: cells[index('offline')] ?? '',
      message: cells[index('message')] ?? '',
    };
  });
}
