/** Rules of impuestos.ts (cases/impuestos.ts): a valid CFDI, mutated to break each. */
import { describe } from 'vitest';
import { impuestosCases } from './cases/impuestos.ts';
import { runCases } from './cases/run.ts';

describe('impuestos rules', () => {
  runCases(impuestosCases);
});
