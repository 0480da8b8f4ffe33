/** Rules of conceptos.ts and concepto-impuestos.ts (cases/conceptos.ts): a valid CFDI, mutated to break each. */
import { describe } from 'vitest';
import { conceptoCases } from './cases/conceptos.ts';
import { runCases } from './cases/run.ts';

describe('conceptos rules', () => {
  runCases(conceptoCases);
});
