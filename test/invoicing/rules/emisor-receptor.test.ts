/** Rules of emisor-receptor.ts (cases/emisor-receptor.ts): a valid CFDI, mutated to break each. */
import { describe } from 'vitest';
import { emisorReceptorCases } from './cases/emisor-receptor.ts';
import { runCases } from './cases/run.ts';

describe('emisor-receptor rules', () => {
  runCases(emisorReceptorCases);
});
