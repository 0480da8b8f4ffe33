/** Rules of comprobante.ts, certificado.ts and global-relacionados.ts (cases/comprobante.ts): a valid CFDI, mutated to break each. */
import { describe } from 'vitest';
import { comprobanteCases } from './cases/comprobante.ts';
import { runCases } from './cases/run.ts';

describe('comprobante rules', () => {
  runCases(comprobanteCases);
});
