/**
 * Field-level problems, named by their path in the public JSON (`items[0].unit_price`), and the
 * translation of zod issues into them.
 */
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

/** `['items', 0, 'unit_price']` -> `items[0].unit_price`; `prefix` is prepended (`tickets[3]`). */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || 'body';
}

/**
 * One problem per zod issue; a missing value reads "required" (parse with `{ reportInput: true }`
 * so zod says what it received), each unknown key "unknown field".
 */
export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ field: fieldPath([...issue.path, key], prefix), message: 'unknown field' });
    } else if (
      issue.code === 'invalid_type' &&
      (('input' in issue && issue.input === undefined) || /received undefined/u.test(issue.message))
    ) {
      problems.push({ field: fieldPath(issue.path, prefix), message: 'required' });
    } else {
      problems.push({ field: fieldPath(issue.path, prefix), message: issue.message });
    }
  }
  return problems;
}
