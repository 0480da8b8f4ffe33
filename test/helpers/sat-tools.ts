/**
 * SAT's own artefacts as test oracles: XSD validation with xmllint and cadena original with
 * xsltproc, both offline (--nonet), over the copies in test/fixtures/sat. Calls are batched: many
 * documents, one process, because each start costs tens of milliseconds.
 *
 * Tools may be missing on a developer machine: check `toolMissing(name)` and skip with the reason
 * it returns (CI installs xsltproc and libxml2-utils). xsltproc prints ~70 lines of stylesheet noise
 * to stderr ("only 1.1 features are supported") and still exits 0; that noise is discarded.
 *
 * Also here: `satArithmeticProblems`, SAT's arithmetic rules (sums and rounding limits) written
 * independently of src/invoicing, to check generated documents.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { attr, childElements, NS_CFDI, parseXml, type XmlElement } from '../../src/invoicing/xml.ts';

export const SAT_FIXTURES = fileURLToPath(new URL('../fixtures/sat/', import.meta.url));
const XSLT_ROOT = join(SAT_FIXTURES, 'xslt/www.sat.gob.mx/sitio_internet/cfd');
export const CADENA_XSLT = join(XSLT_ROOT, '4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt');
export const TFD_XSLT = join(XSLT_ROOT, 'TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt');

const WRAPPER_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.sat.gob.mx/cfd/4" schemaLocation="www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd"/>
  <xs:import namespace="http://www.sat.gob.mx/TimbreFiscalDigital" schemaLocation="www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"/>
  <xs:import namespace="http://www.sat.gob.mx/Pagos20" schemaLocation="www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd"/>
</xs:schema>
`;

const toolCache = new Map<string, boolean>();

/** A reason to skip when `tool` is not on PATH, else null. */
export function toolMissing(tool: 'xmllint' | 'xsltproc' | 'openssl'): string | null {
  if (!toolCache.has(tool)) toolCache.set(tool, spawnSync('which', [tool]).status === 0);
  return toolCache.get(tool)
    ? null
    : `${tool} is not installed (apt-get install xsltproc libxml2-utils openssl)`;
}

/** Runs `fn` with a fresh temporary directory that is removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'autofactura-sat-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let schemaTree: string | undefined;

/**
 * The schema tree of SOURCES.md: SAT's XSDs + the derived catCFDI.xsd stand-in + a wrapper schema
 * importing CFDI 4.0, TFD 1.1 and Pagos 2.0. Built once per test process.
 */
export function wrapperSchema(): string {
  if (!schemaTree) {
    schemaTree = mkdtempSync(join(tmpdir(), 'autofactura-xsd-'));
    cpSync(join(SAT_FIXTURES, 'xsd'), schemaTree, { recursive: true });
    cpSync(join(SAT_FIXTURES, 'xsd-derived'), schemaTree, { recursive: true });
    writeFileSync(join(schemaTree, 'wrapper.xsd'), WRAPPER_XSD);
    process.once('exit', () => rmSync(schemaTree!, { recursive: true, force: true }));
  }
  return join(schemaTree, 'wrapper.xsd');
}

export interface SchemaResult {
  valid: boolean;
  /** xmllint's messages about this document (empty when valid). */
  errors: string;
}

/** Validates every document against SAT's XSDs with one xmllint call. */
export function validateWithXsd(documents: string[]): SchemaResult[] {
  const schema = wrapperSchema();
  return withTempDir((dir) => {
    const files = documents.map((xml, index) => {
      const file = join(dir, `doc${index}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, ...files], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const lines = run.stderr.split('\n');
    return files.map((file) => {
      const mine = lines.filter((line) => line.startsWith(`${file}:`) || line.startsWith(`${file} `));
      const valid = mine.includes(`${file} validates`);
      return { valid, errors: valid ? '' : mine.join('\n') || run.stderr.slice(0, 2000) };
    });
  });
}

/**
 * The output of SAT's stylesheet (default: cadenaoriginal_4_0.xslt) for every document, one
 * xsltproc per document inside a single shell. Throws when xsltproc fails on a document.
 */
export function satCadenas(documents: string[], stylesheet = CADENA_XSLT): string[] {
  return withTempDir((dir) => {
    const files = documents.map((xml, index) => {
      const file = join(dir, `doc${index}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    const script =
      'x="$1"; shift; for f; do xsltproc --nonet "$x" "$f" > "$f.out" 2>/dev/null || echo "$f"; done';
    const run = spawnSync('sh', ['-c', script, 'sh', stylesheet, ...files], { encoding: 'utf8' });
    if (run.status !== 0 || run.stdout.trim() !== '') throw new Error(`xsltproc failed on: ${run.stdout}`);
    return files.map((file) => readFileSync(`${file}.out`, 'utf8'));
  });
}

// ---------------------------------------------------------------------------------------------
// SAT's arithmetic rules for CFDI 4.0 (matrix codes in brackets), written independently of the
// invoicing code from the Anexo 20 text, so tests can check generated documents against them.
// Límites: lower = trunc((a - 10^-da/2) x (b - 10^-db/2)), upper = ceil((a + 10^-da/2 - 10^-12) x
// (b + 10^-db/2 - 10^-12)) for Concepto@Importe; for tax Importe the rate has no tolerance. SAT's
// text truncates "to the decimals of the attribute" (Anexo 20) or "of the currency" (some PAC
// guides): both readings are checked.
// ---------------------------------------------------------------------------------------------

const D = Decimal.clone({ precision: 60 });
type Num = InstanceType<typeof D>;
const places = (text: string) => (text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);
const halfUlp = (text: string) => new D(10).pow(-places(text)).div(2);
const EPS = new D('1e-12');
const r2 = (value: Num) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

function within(value: string, lowRaw: Num, highRaw: Num): boolean {
  const v = new D(value);
  return [places(value), 2].every(
    (p) =>
      v.gte(lowRaw.toDecimalPlaces(p, Decimal.ROUND_DOWN)) &&
      v.lte(highRaw.toDecimalPlaces(p, Decimal.ROUND_CEIL)),
  );
}

/** Every SAT arithmetic rule the document breaks, as "CODE: detail" (empty when none). */
export function satArithmeticProblems(xml: string): string[] {
  const problems: string[] = [];
  const bad = (code: string, detail: string) => problems.push(`${code}: ${detail}`);
  const root = parseXml(xml);
  const a = (el: XmlElement, name: string) => attr(el, name);
  const conceptos = childElements(root, NS_CFDI, 'Conceptos').flatMap((c) =>
    childElements(c, NS_CFDI, 'Concepto'),
  );
  const groups = new Map<string, { base: Num; importe: Num }>();
  let anyDescuento = false;
  let anyTasa = false;
  let sumImporte = new D(0);
  let sumDescuento = new D(0);
  conceptos.forEach((c, i) => {
    const importe = a(c, 'Importe') ?? '';
    const vu = a(c, 'ValorUnitario') ?? '';
    const cantidad = a(c, 'Cantidad') ?? '';
    sumImporte = sumImporte.plus(importe);
    if (!new D(vu).gt(0)) bad('CFDI40166', `concepto ${i} ValorUnitario ${vu}`);
    const low = new D(cantidad).minus(halfUlp(cantidad)).times(new D(vu).minus(halfUlp(vu)));
    const high = new D(cantidad)
      .plus(halfUlp(cantidad))
      .minus(EPS)
      .times(new D(vu).plus(halfUlp(vu)).minus(EPS));
    if (!within(importe, low, high))
      bad('CFDI40167', `concepto ${i} Importe ${importe} for ${cantidad} x ${vu}`);
    const descuento = a(c, 'Descuento');
    if (descuento !== undefined) {
      anyDescuento = true;
      sumDescuento = sumDescuento.plus(descuento);
      if (places(descuento) > places(importe)) bad('CFDI40168', `concepto ${i} Descuento ${descuento}`);
      if (new D(descuento).gt(importe)) bad('CFDI40169', `concepto ${i} Descuento ${descuento} > ${importe}`);
    }
    const impuestos = childElements(c, NS_CFDI, 'Impuestos');
    const objeto = a(c, 'ObjetoImp');
    if (objeto === '02' && impuestos.length === 0)
      bad('CFDI40171', `concepto ${i} ObjetoImp 02 without Impuestos`);
    if (objeto === '01' && impuestos.length > 0)
      bad('CFDI40172', `concepto ${i} ObjetoImp 01 with Impuestos`);
    for (const imp of impuestos) {
      const traslados = childElements(imp, NS_CFDI, 'Traslados').flatMap((t) =>
        childElements(t, NS_CFDI, 'Traslado'),
      );
      if (traslados.length === 0) bad('CFDI40173', `concepto ${i} Impuestos without traslados`);
      for (const t of traslados) {
        const base = a(t, 'Base') ?? '';
        const factor = a(t, 'TipoFactor');
        const tasa = a(t, 'TasaOCuota');
        const timporte = a(t, 'Importe');
        if (!new D(base).gt(0)) bad('CFDI40174', `concepto ${i} Base ${base}`);
        if (factor === 'Exento' && (tasa !== undefined || timporte !== undefined))
          bad('CFDI40177', `concepto ${i}`);
        if (factor !== 'Exento' && (tasa === undefined || timporte === undefined))
          bad('CFDI40178', `concepto ${i}`);
        if (tasa !== undefined && timporte !== undefined) {
          anyTasa = true;
          const lowT = new D(base).minus(halfUlp(base)).times(tasa);
          const highT = new D(base).plus(halfUlp(base)).minus(EPS).times(tasa);
          if (!within(timporte, lowT, highT))
            bad('CFDI40180', `concepto ${i} Importe ${timporte} for ${base} x ${tasa}`);
        }
        const key = `${a(t, 'Impuesto')}|${factor}|${tasa ?? ''}`;
        const group = groups.get(key) ?? { base: new D(0), importe: new D(0) };
        groups.set(key, { base: group.base.plus(base), importe: group.importe.plus(timporte ?? 0) });
      }
    }
  });
  const subTotal = a(root, 'SubTotal') ?? '';
  if (places(subTotal) > 2) bad('CFDI40107', subTotal);
  if (!new D(subTotal).eq(r2(sumImporte))) bad('CFDI40108', `SubTotal ${subTotal} vs ${r2(sumImporte)}`);
  const descuento = a(root, 'Descuento');
  if (anyDescuento !== (descuento !== undefined)) bad('CFDI40111', 'Descuento presence');
  if (descuento !== undefined) {
    if (places(descuento) > 2) bad('CFDI40112', descuento);
    if (!new D(descuento).eq(r2(sumDescuento)))
      bad('CFDI40111', `Descuento ${descuento} vs ${r2(sumDescuento)}`);
    if (new D(descuento).gt(subTotal)) bad('CFDI40110', `Descuento ${descuento} > SubTotal`);
  }
  const impuestos = childElements(root, NS_CFDI, 'Impuestos')[0];
  const summary = impuestos
    ? childElements(impuestos, NS_CFDI, 'Traslados').flatMap((t) => childElements(t, NS_CFDI, 'Traslado'))
    : [];
  const totalTrasladados = impuestos ? a(impuestos, 'TotalImpuestosTrasladados') : undefined;
  if (groups.size > 0 && !impuestos)
    bad('CFDI40212', 'conceptos carry traslados but the comprobante has no Impuestos');
  if (anyTasa !== (totalTrasladados !== undefined)) bad('CFDI40212', 'TotalImpuestosTrasladados presence');
  let sumTrasladados = new D(0);
  const seen = new Set<string>();
  for (const t of summary) {
    const key = `${a(t, 'Impuesto')}|${a(t, 'TipoFactor')}|${a(t, 'TasaOCuota') ?? ''}`;
    if (seen.has(key)) bad('CFDI40218', key);
    seen.add(key);
    const group = groups.get(key);
    const base = a(t, 'Base') ?? '';
    const importe = a(t, 'Importe');
    if (places(base) > 2) bad('CFDI40214', base);
    if (!anyTasa && (a(t, 'TasaOCuota') !== undefined || importe !== undefined)) bad('CFDI40213', key);
    if (!group || !new D(base).eq(r2(group.base))) bad('CFDI40215', `${key} Base ${base}`);
    if (importe !== undefined) {
      if (places(importe) > 2) bad('CFDI40220', importe);
      if (!group || !new D(importe).eq(r2(group.importe))) bad('CFDI40221', `${key} Importe ${importe}`);
      sumTrasladados = sumTrasladados.plus(importe);
    }
  }
  for (const key of groups.keys()) if (!seen.has(key)) bad('CFDI40215', `${key} missing from the summary`);
  if (totalTrasladados !== undefined) {
    if (places(totalTrasladados) > 2) bad('CFDI40204', totalTrasladados);
    if (!new D(totalTrasladados).eq(sumTrasladados))
      bad('CFDI40205', `${totalTrasladados} vs ${sumTrasladados}`);
  }
  const total = a(root, 'Total') ?? '';
  const expected = new D(subTotal)
    .minus(descuento ?? 0)
    .plus(totalTrasladados ?? 0)
    .minus((impuestos && a(impuestos, 'TotalImpuestosRetenidos')) ?? 0);
  if (places(total) > 2 || !new D(total).eq(expected)) bad('CFDI40119', `Total ${total} vs ${expected}`);
  return problems;
}
