import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import jsqrModule from 'jsqr';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { dateTime, money, percent, quantity } from '../../src/invoicing/pdf/format.ts';
import {
  CfdiReadError,
  formatQrTotal,
  readCfdi,
  renderPdf,
  tfdCadenaOriginal,
  verificationUrl,
} from '../../src/invoicing/pdf/index.ts';
import {
  hardWrap,
  pdfString,
  toWinAnsi,
  widthOf,
  widthOfBytes,
  wrap,
} from '../../src/invoicing/pdf/metrics.ts';
import { planFlow } from '../../src/invoicing/pdf/paginate.ts';
import { QR_MASK, qrSymbol } from '../../src/invoicing/pdf/qr.ts';

const EXAMPLES = new URL('../fixtures/sat/examples/', import.meta.url);
const example = (name: string) => readFileSync(new URL(`${name}.xml`, EXAMPLES), 'utf8');
const expectedTfdCadena = (name: string) =>
  readFileSync(new URL(`expected/${name}.tfd-cadena-original.txt`, EXAMPLES), 'utf8');

const REAL = 'cfdiutils_cfdi40-real';
const VALID = 'cfdiutils_cfdi40-valid';
const PAGO = 'cfdiutils_created-cfdi40-pago20-valid';
const DISCOUNTS = 'cfdiutils_created-with-discounts-40';

function which(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
// jsqr is CommonJS: under NodeNext its default import is the module, the function is .default.
const jsQR = jsqrModule.default;

const hasPdftoppm = which('pdftoppm');
const hasPdftotext = which('pdftotext');
if (!hasPdftoppm) console.warn('pdf.test: pdftoppm (poppler-utils) missing: skipping the QR decoding test');
if (!hasPdftotext) console.warn('pdf.test: pdftotext (poppler-utils) missing: skipping the PDF-reader test');

const workDir = mkdtempSync(join(tmpdir(), 'pdf-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** WinAnsiEncoding (cp1252) 0x80-0x9F; the rest of the bytes are Latin-1. Node's TextDecoder
 * treats 'windows-1252' as Latin-1, so it cannot be used here. */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const winAnsi = (bytes: Buffer) =>
  [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b))).join('');

/** The bytes of a PDF literal string's body (ISO 32000-1, 7.3.4.2), escapes undone. */
function literalBytes(body: string): Buffer {
  const named: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12 };
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      out.push(body.charCodeAt(i));
      continue;
    }
    const next = body[++i]!;
    const octal = /^[0-7]{1,3}/.exec(body.slice(i))?.[0];
    if (octal) {
      out.push(Number.parseInt(octal, 8));
      i += octal.length - 1;
    } else out.push(named[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(out);
}

/**
 * The text shown on each page of an uncompressed render, one string per text operator, in
 * drawing order. The renderer writes every string as `(literal) Tj` in WinAnsiEncoding; each
 * page's content stream is written when the page ends, so streams come in page order.
 */
function pagesText(pdf: Buffer): string[][] {
  const raw = pdf.toString('latin1');
  expect(raw).not.toContain('/FlateDecode\n>>\nstream\nx'); // content must be uncompressed here
  return raw
    .split('endstream')
    .filter((segment) => / Tj ET/.test(segment))
    .map((segment) =>
      [...segment.matchAll(/\(((?:[^\\()]|\\.)*)\) Tj/g)].map((m) => winAnsi(literalBytes(m[1]!))),
    );
}

const allText = (pdf: Buffer) => pagesText(pdf).flat();
/** Every string of the document glued together: wrapped seals become contiguous again. */
const glued = (pdf: Buffer) => allText(pdf).join('');
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

/** The example with its conceptos replaced by `n` copies of its first one. */
function withConceptos(xml: string, n: number): string {
  const concepto = /<cfdi:Concepto [\s\S]*?<\/cfdi:Concepto>/.exec(xml)![0];
  return xml.replace(
    /<cfdi:Conceptos>[\s\S]*<\/cfdi:Conceptos>/,
    `<cfdi:Conceptos>${concepto.repeat(n)}</cfdi:Conceptos>`,
  );
}

describe('renderPdf on the SAT examples', () => {
  const cases = [
    {
      name: REAL,
      words: 'MIL PESOS 00/100 M.N.',
      serieFolio: 'O-52375239',
      uuid: 'C2832671-DA6D-11EF-A83D-00155D012007',
      texts: [
        'ISD950921HE5',
        'COSC8001137NA',
        '601 - General de Ley Personas Morales',
        'G03 - Gastos en general',
        '04 - Tarjeta de crédito',
        'PUE - Pago en una sola exhibición',
        'MXN - Peso Mexicano',
        '01 - No aplica',
        'I - Ingreso',
        'C.P. 11529',
        'C.P. 52176',
        '24/01/2025 10:10:41',
        '24/01/2025 10:10:42',
        '00001000000510877575',
        '00001000000708361114',
        'COMISION RECARGA IDMX',
        '80141628',
        'E48',
        '853.448276',
        'Traslado IVA 16%: base 8.62069, importe 1.37931',
        'IVA trasladado 16%',
        '137.93',
        '$1,000.00',
        'RFC del proveedor de certificación: TBN040609RKA',
      ],
    },
    {
      name: VALID,
      words: 'TRES MIL TRESCIENTOS VEINTISIETE PESOS 01/100 M.N.',
      serieFolio: undefined,
      uuid: '6F35D3B5-3651-5370-BC2C-14CDBE384CD7',
      texts: [
        'EKU9003173C9',
        'MCI7306249Y1',
        '603 - Personas Morales con Fines no Lucrativos',
        'Descuento',
        '956.04',
      ],
    },
    {
      name: PAGO,
      words: undefined,
      serieFolio: undefined,
      uuid: undefined,
      texts: ['EKU9003173C9', 'COSC8001137NA', 'RECIBO DE PAGO', 'P - Pago', 'CP01 - Pagos', 'Sin timbrar'],
    },
    {
      name: DISCOUNTS,
      words: 'TRES MIL DOSCIENTOS CUARENTA Y OCHO DÓLARES 00/100 USD',
      serieFolio: 'XXX-0000123456',
      uuid: undefined,
      texts: [
        'Carlos Cortés Soto',
        'USD - Dólar americano',
        '18.9008',
        'Pantalla led 3x4" con entrada HDMI',
        'Servicio de envío de mercancías',
        'Pedimento: 17 24 3420 7010987',
        'No. identificación: SCREEN5004',
        '-500.00',
        'Sin timbrar',
      ],
    },
  ];

  it.each(cases)('$name shows its fiscal data', async ({ name, words, serieFolio, uuid, texts }) => {
    const xml = example(name);
    const cfdi = readCfdi(xml);
    const pdf = await renderPdf(xml, { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(1);
    const strings = allText(pdf);
    const joined = glued(pdf);
    expect(strings).toContain(cfdi.emisor.rfc);
    expect(strings).toContain(cfdi.receptor.rfc);
    if (words) expect(strings).toContain(words);
    if (serieFolio) expect(strings).toContain(serieFolio);
    for (const text of texts) expect(joined).toContain(text);
    expect(joined).toContain(cfdi.sello);
    if (uuid) {
      expect(strings).toContain(uuid);
      expect(joined).toContain(cfdi.timbre!.selloSat);
      expect(joined).toContain(expectedTfdCadena(name));
      expect(joined).not.toContain('Sin timbrar');
    } else {
      expect(joined).toContain('Este CFDI no ha sido timbrado');
      expect(joined).not.toContain('Cadena original del complemento');
    }
  });

  it('prints the Descuento column only when a concepto has a discount', async () => {
    expect(allText(await renderPdf(example(DISCOUNTS), { compress: false }))).toContain('Descuento');
    expect(allText(await renderPdf(example(REAL), { compress: false }))).not.toContain('Descuento');
  });

  it('survives characters outside WinAnsi (the example has U+23FB)', async () => {
    expect(allText(await renderPdf(example(VALID), { compress: false }))).toContain(
      'Portable tetris gamepad pro++ ?',
    );
  });

  it('prints the TFD cadena given by the caller instead of building one', async () => {
    const given = '||1.1|CADENA-DEL-PAC||';
    const joined = glued(await renderPdf(example(REAL), { compress: false, tfdCadenaOriginal: given }));
    expect(joined).toContain(given);
    expect(joined).not.toContain(expectedTfdCadena(REAL));
  });

  it('compresses by default and stays readable by a PDF reader', async () => {
    const pdf = await renderPdf(example(REAL));
    const raw = pdf.toString('latin1');
    expect(raw).toContain('/FlateDecode');
    expect(raw).not.toContain(') Tj');
    expect(pdf.length).toBeLessThan((await renderPdf(example(REAL), { compress: false })).length);
  });

  it.skipIf(!hasPdftotext)('prints parentheses, backslashes and accents in names exactly', async () => {
    const name = 'PÉREZ (LA ÑOÑA) \\ HIJOS) (';
    const xml = example(REAL).replace('Nombre="CARLOS CORTES SOTO"', `Nombre="${name}"`);
    expect(allText(await renderPdf(xml, { compress: false }))).toContain(name);
    const file = join(workDir, 'parentheses.pdf');
    writeFileSync(file, await renderPdf(xml));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(name);
  });

  it.skipIf(!hasPdftotext)('pdftotext reads UUID, RFCs, words and page numbers', async () => {
    const file = join(workDir, 'real.pdf');
    writeFileSync(file, await renderPdf(example(REAL)));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    for (const expected of ['C2832671-DA6D-11EF-A83D-00155D012007', 'ISD950921HE5', 'COSC8001137NA']) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('MIL PESOS 00/100 M.N.');
    expect(text).toContain('Página 1 de 1');
  });

  it('rejects what is not a CFDI 4.0', async () => {
    await expect(renderPdf('<nope/>')).rejects.toThrow(CfdiReadError);
    await expect(renderPdf(example(REAL).replace('Version="4.0"', 'Version="3.3"'))).rejects.toThrow(
      CfdiReadError,
    );
    await expect(renderPdf(example(REAL).replace(/ Total="[^"]*"/, ''))).rejects.toThrow(/Total/);
  });
});

describe('TFD cadena original and QR URL', () => {
  it.each([REAL, VALID])('builds the TFD cadena of %s exactly as SAT XSLT does', (name) => {
    expect(tfdCadenaOriginal(readCfdi(example(name)).timbre!)).toBe(expectedTfdCadena(name));
  });

  it('puts the optional Leyenda between RfcProvCertif and SelloCFD and normalizes spaces', () => {
    const timbre = readCfdi(example(REAL)).timbre!;
    const cadena = tfdCadenaOriginal({ ...timbre, leyenda: '  Una   leyenda ' });
    expect(cadena).toContain('|TBN040609RKA|Una leyenda|WZzQVFmM/');
  });

  it('builds the verification URL of the real example', () => {
    expect(verificationUrl(readCfdi(example(REAL)))).toBe(
      'https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx' +
        '?id=C2832671-DA6D-11EF-A83D-00155D012007&re=ISD950921HE5&rr=COSC8001137NA&tt=1000.0&fe=hNjeNw==',
    );
    expect(verificationUrl(readCfdi(example(DISCOUNTS)))).toBeUndefined();
  });

  it('writes & in an RFC as &amp;', () => {
    const cfdi = readCfdi(example(REAL));
    const url = verificationUrl({ ...cfdi, receptor: { ...cfdi.receptor, rfc: 'Ñ&A010101AAA' } });
    expect(url).toContain('&rr=Ñ&amp;A010101AAA&tt=');
  });

  it.each([
    ['1000.00', '1000.0'],
    ['3327.01', '3327.01'],
    ['0', '0.0'],
    ['0.00', '0.0'],
    ['123.450000', '123.45'],
    ['000123.4', '123.4'],
    ['0.1234561', '0.123456'],
    ['0.1234565', '0.123457'],
    ['999999999999999999.999999', '999999999999999999.999999'],
  ])('tt of %s is %s', (total, tt) => {
    expect(formatQrTotal(total)).toBe(tt);
  });
});

describe('pagination', () => {
  const real = example(REAL);

  it.each([
    [1, 1],
    [15, 1],
    [16, 2],
    [60, 3],
  ])('%i conceptos take %i page(s)', async (n, pages) => {
    const pdf = await renderPdf(withConceptos(real, n), { compress: false });
    expect(pageCount(pdf)).toBe(pages);
    const perPage = pagesText(pdf);
    expect(perPage).toHaveLength(pages);
    let rows = 0;
    perPage.forEach((texts, i) => {
      expect(texts).toContain(`Página ${i + 1} de ${pages}`);
      const here = texts.filter((t) => t === 'COMISION RECARGA IDMX').length;
      // a row is never split: its tax line is on the same page as its description
      expect(texts.filter((t) => t.startsWith('Traslado IVA 16%: base 8.62069')).length).toBe(here);
      if (here > 0) expect(texts.filter((t) => t === 'Clave SAT')).toHaveLength(1);
      if (i > 0) expect(texts.some((t) => t.endsWith('(continuación)'))).toBe(true);
      rows += here;
    });
    expect(rows).toBe(n);
    // totals and seals come once, on the last page, after the last row
    const last = perPage.at(-1)!;
    const flat = perPage.flat();
    expect(flat.filter((t) => t === 'IMPORTE CON LETRA')).toHaveLength(1);
    expect(flat.lastIndexOf('COMISION RECARGA IDMX')).toBeLessThan(flat.indexOf('IMPORTE CON LETRA'));
    expect(last).toContain('Sello digital del SAT');
    expect(pagesText(pdf)[0]).toContain('RECEPTOR');
  });

  it('planFlow never splits a row nor overflows a page, and repeats the table header', () => {
    const input = fc.record({
      rows: fc.array(fc.integer({ min: 5, max: 300 }), { maxLength: 80 }),
      blocks: fc.array(
        fc.record({ height: fc.integer({ min: 10, max: 400 }), gap: fc.integer({ min: 0, max: 20 }) }),
        {
          maxLength: 3,
        },
      ),
    });
    fc.assert(
      fc.property(input, ({ rows, blocks }) => {
        const spec = { firstTop: 250, nextTop: 60, bottom: 750, tableHeader: 16, rows, blocks };
        const plan = planFlow(spec);
        let previous = { page: 0, top: 0 };
        plan.rows.forEach((at, i) => {
          expect(at.top + rows[i]!).toBeLessThanOrEqual(750);
          const header = plan.tableHeaders.find((h) => h.page === at.page)!;
          expect(header.top + 16).toBeLessThanOrEqual(at.top);
          expect(at.page > previous.page || at.top >= previous.top).toBe(true);
          previous = at;
        });
        plan.blocks.forEach((at, i) => {
          if (blocks[i]!.height <= 750 - 60) expect(at.top + blocks[i]!.height).toBeLessThanOrEqual(750);
          expect(at.page > previous.page || at.top >= previous.top).toBe(true);
          previous = at;
        });
        expect(new Set(plan.tableHeaders.map((h) => h.page)).size).toBe(plan.tableHeaders.length);
        expect(plan.pages).toBe(Math.max(0, ...[...plan.rows, ...plan.blocks].map((p) => p.page)) + 1);
      }),
    );
  });
});

describe('QR', () => {
  it('is drawn as vectors, with no image in the file', async () => {
    const raw = (await renderPdf(example(REAL), { compress: false })).toString('latin1');
    expect(raw).not.toContain('/Subtype /Image');
    expect((raw.match(/ re /g) ?? []).length).toBeGreaterThan(200);
  });

  it('draws symbols with the fixed mask that decode to any verification URL, Ñ and & included', () => {
    const urls = fc.sample(
      fc.record({ uuid: fc.uuid(), rr: fc.constantFrom('COSC8001137NA', 'Ñ&A010101AAA', 'XAXX010101000') }),
      { numRuns: 25, seed: 7 },
    );
    for (const { uuid, rr } of urls) {
      const url = `https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=${uuid.toUpperCase()}&re=EKU9003173C9&rr=${rr.replace('&', '&amp;')}&tt=1234.5&fe=hNjeNw==`;
      const symbol = qrSymbol(url);
      expect(symbol.maskPattern).toBe(QR_MASK);
      // Paint it 4 pixels a module with a 4-module quiet zone, then read it back.
      const scale = 4;
      const size = symbol.modules.size;
      const side = (size + 8) * scale;
      const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) {
          const row = Math.floor(y / scale) - 4;
          const col = Math.floor(x / scale) - 4;
          const dark = row >= 0 && col >= 0 && row < size && col < size && symbol.modules.get(row, col);
          if (dark) rgba.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
        }
      expect(jsQR(rgba, side, side)?.data).toBe(url);
    }
  });

  it.skipIf(!hasPdftoppm)('decodes to the SAT verification URL', async () => {
    const xml = example(REAL);
    const file = join(workDir, 'qr.pdf');
    writeFileSync(file, await renderPdf(xml));
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '150',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      join(workDir, 'qr'),
    ]);
    const { data, info } = await sharp(join(workDir, 'qr.png'))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const code = jsQR(
      new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
      info.width,
      info.height,
    );
    expect(code?.data).toBe(verificationUrl(readCfdi(xml)));
  });
});

describe('sandbox watermark', () => {
  const mark = 'SIN VALIDEZ FISCAL — SANDBOX';

  it('is absent from a normal invoice', async () => {
    const joined = glued(await renderPdf(example(REAL), { compress: false }));
    expect(joined).not.toContain('SANDBOX');
    expect(joined).not.toContain('SIN VALIDEZ FISCAL');
  });

  it('is on every page with options.sandbox', async () => {
    const pdf = await renderPdf(withConceptos(example(REAL), 40), { compress: false, sandbox: true });
    const pages = pagesText(pdf);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page).toContain(mark);
    expect(pdf.toString('latin1')).toContain('/ca 0.13');
  });

  it('is automatic when the TFD Leyenda says SIN VALIDEZ FISCAL', async () => {
    const xml = example(VALID).replace(
      'RfcProvCertif="CVD110412TF6"',
      'RfcProvCertif="CVD110412TF6" Leyenda="SIN VALIDEZ FISCAL"',
    );
    const pdf = await renderPdf(xml, { compress: false });
    expect(allText(pdf)).toContain(mark);
    expect(glued(pdf)).toContain('|CVD110412TF6|SIN VALIDEZ FISCAL|CcujSbJv');
  });
});

describe('branding', () => {
  const logoSvg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120">' +
    '<rect x="5" y="5" width="110" height="110" rx="20" fill="#E4572E"/></svg>';

  it('prints the shop name over the legal name and uses its colour', async () => {
    const pdf = await renderPdf(example(REAL), {
      compress: false,
      branding: { name: 'Taquería El Güero', color: '#E4572E' },
    });
    const strings = allText(pdf);
    expect(strings).toContain('Taquería El Güero');
    expect(strings).toContain('PASE, SERVICIOS ELECTRONICOS');
    // #E4572E as fill operands (table header, title bar)
    expect(pdf.toString('latin1')).toContain('0.894 0.341 0.18 rg');
  });

  it('embeds a transparent PNG logo with its alpha mask, and a JPEG without', async () => {
    const png = await sharp(Buffer.from(logoSvg)).png().toBuffer();
    const withPng = (await renderPdf(example(REAL), { compress: false, branding: { logo: png } })).toString(
      'latin1',
    );
    expect(withPng.match(/\/Subtype \/Image/g)).toHaveLength(2);
    expect(withPng).toContain('/SMask');
    expect(withPng).toContain('/AfLogo Do');
    const jpeg = await sharp(Buffer.from(logoSvg)).flatten({ background: '#ffffff' }).jpeg().toBuffer();
    const withJpeg = (await renderPdf(example(REAL), { compress: false, branding: { logo: jpeg } })).toString(
      'latin1',
    );
    expect(withJpeg.match(/\/Subtype \/Image/g)).toHaveLength(1);
    expect(withJpeg).not.toContain('/SMask');
  });

  it('rejects a colour that is not #RRGGBB and a logo that is not PNG or JPEG', async () => {
    await expect(renderPdf(example(REAL), { branding: { color: 'red' } })).rejects.toThrow(/RRGGBB/);
    await expect(
      renderPdf(example(REAL), { branding: { logo: new Uint8Array([1, 2, 3, 4]) } }),
    ).rejects.toThrow(/PNG or JPEG/);
  });
});

describe('formatting and text metrics', () => {
  it.each([
    ['1000.00', '1,000.00'],
    ['1234.5', '1,234.50'],
    ['853.448276', '853.448276'],
    ['8.620690', '8.62069'],
    ['0', '0.00'],
    ['1234567.1', '1,234,567.10'],
  ])('money(%s) = %s', (value, text) => expect(money(value)).toBe(text));

  it.each([
    ['1.000000', '1'],
    ['0.250', '0.25'],
    ['2500.5', '2,500.5'],
  ])('quantity(%s) = %s', (value, text) => expect(quantity(value)).toBe(text));

  it.each([
    ['0.160000', '16%'],
    ['0.080000', '8%'],
    ['0.265000', '26.5%'],
    ['0.012500', '1.25%'],
    ['0.000000', '0%'],
  ])('percent(%s) = %s', (value, text) => expect(percent(value)).toBe(text));

  it('writes dates day first', () => {
    expect(dateTime('2025-01-24T10:10:41')).toBe('24/01/2025 10:10:41');
  });

  it('encodes WinAnsi, replacing what it cannot show', () => {
    expect([...toWinAnsi('Ñandú — €')]).toEqual([0xd1, 0x61, 0x6e, 0x64, 0xfa, 0x20, 0x97, 0x20, 0x80]);
    expect(Buffer.from(toWinAnsi('ő⏻😀x')).toString('latin1')).toBe('o??x');
  });

  it('writes any text as a PDF literal string of its WinAnsi bytes, measured the same way', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(
              fc.constantFrom('(', ')', '\\', 'Ñ', '€', '\n', '\r', '\t', 'ő', '😀', '\u0085', '\u0000'),
              fc.string({ unit: 'binary', maxLength: 4 }),
            ),
            { maxLength: 30 },
          )
          .map((parts) => parts.join('')),
        (text) => {
          const literal = pdfString(text);
          expect(literal.startsWith('(') && literal.endsWith(')')).toBe(true);
          // Every ( ) \\ inside is escaped, and no line end can break the operator.
          expect(literal.slice(1, -1)).toMatch(/^(?:[^\\()\r\n]|\\[\\()])*$/);
          const bytes = toWinAnsi(text);
          expect(literalBytes(literal.slice(1, -1))).toEqual(Buffer.from(bytes));
          expect(widthOf(text, 'bold', 9)).toBeCloseTo(widthOfBytes(bytes, 'bold', 9), 9);
        },
      ),
    );
  });

  it('wraps words within the width and keeps every word', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9ÁÉÍÓÚÑáéíóúñ.,]{1,30}$/), { maxLength: 40 }),
        (words) => {
          const text = words.join(' ');
          const lines = wrap(text, 'regular', 8, 120);
          for (const line of lines) expect(widthOf(line, 'regular', 8)).toBeLessThanOrEqual(120);
          expect(lines.join(' ').split(' ').filter(Boolean)).toEqual(words);
        },
      ),
    );
  });

  it('hard-wraps seals keeping every character', () => {
    const cadena = `||1.1|UUID|2025-01-24T10:10:42|RFC|SIN VALIDEZ FISCAL|${'A/b+'.repeat(90)}|0001||`;
    const lines = hardWrap(cadena, 'mono', 6, 200);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(cadena);
    for (const line of lines) expect(widthOf(line, 'mono', 6)).toBeLessThanOrEqual(200);
  });
});
