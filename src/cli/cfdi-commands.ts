/**
 * `cfdi verify FILE.xml` (OK or the first failure; exit 0/1), `cfdi cadena FILE.xml` (the cadena
 * original), `cfdi pdf FILE.xml -o OUT.pdf` (the representación impresa).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cadenaOriginal } from '../invoicing/cadena.ts';
import { sandboxCredentials } from '../invoicing/pac/index.ts';
import { renderPdf } from '../invoicing/pdf/index.ts';
import { validateCfdi } from '../invoicing/rules/index.ts';
import { verifyCfdi } from '../invoicing/verify.ts';
import { parseCommandArgs, UsageError } from './args.ts';

const USAGE = 'usage: cfdi verify FILE.xml | cfdi cadena FILE.xml | cfdi pdf FILE.xml -o OUT.pdf';

function readXml(file: string | undefined): string {
  if (!file) throw new UsageError(USAGE);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

/** Verifies seal, SelloSAT and SAT's offline rules; the same checks the product runs before stamping. */
export function verifyXml(
  xml: string,
): { ok: true; selloSat: string } | { ok: false; code: string; message: string } {
  return verifyCfdi(xml, { satCertificates: [sandboxCredentials().der], validate: (x) => validateCfdi(x) });
}

export async function cfdiCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommandArgs(rest, { out: { type: 'string', short: 'o' } });
  const xml = readXml(positionals[0]);
  switch (sub) {
    case 'verify': {
      const result = verifyXml(xml);
      if (result.ok) {
        process.stdout.write(
          `OK${result.selloSat === 'unchecked' ? ' (SelloSAT not checked: PAC certificate not available)' : ''}\n`,
        );
        return 0;
      }
      process.stdout.write(`${result.code}: ${result.message}\n`);
      return 1;
    }
    case 'cadena':
      process.stdout.write(cadenaOriginal(xml));
      return 0;
    case 'pdf': {
      const out = values.out;
      if (typeof out !== 'string') throw new UsageError(USAGE);
      writeFileSync(out, await renderPdf(xml));
      process.stdout.write(`${out}\n`);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}
