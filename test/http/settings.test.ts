/**
 * Settings and CSD upload over real HTTP: defaults, partial updates, write-only secrets stored
 * encrypted, every validation path, the audit trail, and each reason a CSD is refused.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActiveCsd } from '../../src/companies/csd-store.ts';
import { settingsSchema } from '../../src/http/api/contract/settings.ts';
import { loadPacCredentials, loadSmtpUrl } from '../../src/settings/credentials.ts';
import { DB_MODE } from '../helpers/db.ts';
import { type Harness, startHarness, ticketBody } from './harness.ts';

const read = (rel: string) => readFileSync(new URL(`../../${rel}`, import.meta.url));
const EKU_CER = read('src/sat/data/csd-demo/EKU9003173C9.cer');
const EKU_KEY = read('src/sat/data/csd-demo/EKU9003173C9.key');
const CACX = 'test/fixtures/sat/csd-pruebas/persona-fisica_CACX7605101P8/cacx7605101p8_csd';
const CACX_CER = read(`${CACX}.cer`);
const CACX_KEY = read(`${CACX}.key`);

function csdForm(parts: {
  cer?: Buffer;
  key?: Buffer;
  password?: string;
  extra?: [string, Buffer];
}): FormData {
  const form = new FormData();
  if (parts.cer) form.append('cer', new Blob([new Uint8Array(parts.cer)]), 'csd.cer');
  if (parts.key) form.append('key', new Blob([new Uint8Array(parts.key)]), 'csd.key');
  if (parts.password !== undefined) form.append('password', parts.password);
  if (parts.extra) form.append(parts.extra[0], new Blob([new Uint8Array(parts.extra[1])]), 'x.bin');
  return form;
}

describe(`settings routes (${DB_MODE})`, () => {
  let h: Harness;
  let admin: string;
  let companyId: string;
  const patch = (json: unknown) => h.call('PATCH', '/api/v1/settings', { key: admin, json });
  const upload = (form: FormData) => h.call('PUT', '/api/v1/settings/csd', { key: admin, body: form });
  const fieldsOf = async (res: Response) => {
    expect(res.status).toBe(400);
    return (await res.json()).error.fields as Array<{ field: string; message: string }>;
  };

  beforeAll(async () => {
    h = await startHarness();
    const company = await h.company({ lugarExpedicion: '06600' });
    companyId = company.id;
    admin = await h.key(company.id, 'admin');
  });
  afterAll(() => h.close());

  it('answers the defaults', async () => {
    const res = await h.call('GET', '/api/v1/settings', { key: admin });
    expect(res.status).toBe(200);
    const body = settingsSchema.parse(await res.json());
    expect(body).toMatchObject({
      self_invoicing_enabled: true,
      series: 'AF',
      invoicing_window: 'month',
      issuer: {
        rfc: 'EKU9003173C9',
        regimen_fiscal: '601',
        lugar_expedicion: '06600',
        time_zone: 'America/Mexico_City',
      },
      pac: { driver: 'sandbox', sw: { base_url: null, user: null, password_set: false, token_set: false } },
      email: { smtp_url_set: false, from: null, reply_to: null },
      branding: { name: null, color: null, logo: null },
      channels: { whatsapp_number: null, telegram_bot_username: null },
      csd: null,
    });
  });

  it('updates everything at once; secrets are write-only and stored encrypted; the change is audited', async () => {
    const logo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f766e' } })
      .png()
      .toBuffer();
    const res = await patch({
      self_invoicing_enabled: false,
      series: 'CAFE',
      invoicing_window: 'end_of_month',
      issuer: {
        name: 'Café Kemper',
        regimen_fiscal: '626',
        lugar_expedicion: '22000',
        time_zone: 'America/Tijuana',
      },
      pac: {
        driver: 'sw',
        sw: { base_url: 'https://services.test.sw.com.mx', user: 'kemper', password: 'Pac-Pa55!' },
      },
      email: {
        smtp_url: 'smtps://facturas:Smtp-Pa55!@smtp.example.mx:465',
        from: 'Café Kemper <facturas@kemper.mx>',
        reply_to: 'ayuda@kemper.mx',
      },
      branding: { name: 'Café Kemper', color: '#0F766E', logo: logo.toString('base64') },
      channels: { whatsapp_number: '5216641234567', telegram_bot_username: 'KemperBot' },
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain('Pa55');
    const body = settingsSchema.parse(JSON.parse(text));
    expect(body).toMatchObject({
      self_invoicing_enabled: false,
      series: 'CAFE',
      invoicing_window: 'end_of_month',
      issuer: {
        rfc: 'EKU9003173C9',
        name: 'Café Kemper',
        regimen_fiscal: '626',
        lugar_expedicion: '22000',
        time_zone: 'America/Tijuana',
      },
      pac: {
        driver: 'sw',
        sw: {
          base_url: 'https://services.test.sw.com.mx',
          user: 'kemper',
          password_set: true,
          token_set: false,
        },
      },
      email: { smtp_url_set: true, from: 'Café Kemper <facturas@kemper.mx>', reply_to: 'ayuda@kemper.mx' },
      branding: { name: 'Café Kemper', color: '#0F766E', logo: { mime: 'image/png', size: logo.length } },
      channels: { whatsapp_number: '5216641234567', telegram_bot_username: 'KemperBot' },
    });
    const again = await h.call('GET', '/api/v1/settings', { key: admin });
    expect(await again.json()).toEqual(body);

    const [raw] = await h.db
      .sql`select pac_secret, smtp_url_secret, brand_logo from company_settings where company_id = ${companyId}`;
    expect(Buffer.from(raw!.pac_secret).includes('Pac-Pa55!')).toBe(false);
    expect(Buffer.from(raw!.smtp_url_secret).includes('Smtp-Pa55!')).toBe(false);
    expect(Buffer.from(raw!.brand_logo).equals(logo)).toBe(true);
    expect(await loadPacCredentials(h.db.sql, h.ctx.secrets, companyId)).toMatchObject({
      driver: 'sw',
      user: 'kemper',
      password: 'Pac-Pa55!',
    });
    expect(await loadSmtpUrl(h.db.sql, h.ctx.secrets, companyId)).toBe(
      'smtps://facturas:Smtp-Pa55!@smtp.example.mx:465',
    );

    const [audit] = await h.db
      .sql`select actor, details from audit_log where action = 'settings.updated' order by id desc limit 1`;
    expect(audit!.actor).toMatch(/^api_key:\d+:admin$/u);
    expect(audit!.details.fields).toEqual(
      expect.arrayContaining(['series', 'pac.sw.password', 'email.smtp_url', 'branding.logo']),
    );
    expect(JSON.stringify(audit!.details)).not.toContain('Pa55');
  });

  it('applies the new window and time zone to new tickets', async () => {
    const pos = await h.key(companyId, 'pos');
    const res = await h.call('POST', '/api/v1/tickets?qr=none', {
      key: pos,
      json: ticketBody({ sold_at: '2026-03-05T12:00:00-08:00' }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).deadline).toBe('2026-03-31T23:59:59-07:00');
  });

  it('clears optional values with null and keeps absent ones', async () => {
    const res = await patch({ channels: { telegram_bot_username: null }, pac: { driver: 'sandbox' } });
    const body = await res.json();
    expect(body.channels).toEqual({ whatsapp_number: '5216641234567', telegram_bot_username: null });
    expect(body.pac).toMatchObject({ driver: 'sandbox', sw: { user: 'kemper', password_set: true } });
    expect(body.series).toBe('CAFE');
  });

  it.each([
    [
      'the RFC',
      { issuer: { rfc: 'XAXX010101000' } },
      'issuer.rfc',
      'the RFC is fixed: a different RFC is a different company',
    ],
    ['an unknown field', { colour: 'red' }, 'colour', 'unknown field'],
    ['a bad series', { series: 'A-1' }, 'series', 'expected 1-25 letters or digits'],
    ['an unknown window', { invoicing_window: 'year' }, 'invoicing_window', expect.any(String)],
    [
      'a régimen not in the catalog',
      { issuer: { regimen_fiscal: '999' } },
      'issuer.regimen_fiscal',
      'not in c_RegimenFiscal',
    ],
    [
      'a régimen for personas físicas',
      { issuer: { regimen_fiscal: '612' } },
      'issuer.regimen_fiscal',
      'régimen 612 does not apply to a persona moral',
    ],
    [
      'an unknown postal code',
      { issuer: { lugar_expedicion: '00000' } },
      'issuer.lugar_expedicion',
      'not in c_CodigoPostal',
    ],
    [
      'an unknown time zone',
      { issuer: { time_zone: 'Mexico/Tenochtitlan' } },
      'issuer.time_zone',
      'unknown IANA time zone',
    ],
    [
      'an sw driver without credentials',
      { pac: { driver: 'sw', sw: { password: null, base_url: null } } },
      'pac.sw.base_url',
      'required for the sw driver',
    ],
    [
      'an http SMTP URL',
      { email: { smtp_url: 'http://smtp.example.mx' } },
      'email.smtp_url',
      'expected smtp:// or smtps:// URL',
    ],
    [
      'a bad e-mail',
      { email: { from: 'facturas at kemper' } },
      'email.from',
      expect.stringContaining('e-mail address'),
    ],
    ['a bad colour', { branding: { color: 'teal' } }, 'branding.color', 'expected #RRGGBB'],
    [
      'a logo that is not an image',
      { branding: { logo: Buffer.from('GIF89a....').toString('base64') } },
      'branding.logo',
      'not a PNG or JPEG image',
    ],
    [
      'a logo over 256 KB',
      {
        branding: {
          logo: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(262_200)]).toString('base64'),
        },
      },
      'branding.logo',
      'larger than 256 KB',
    ],
    ['a logo that is not base64', { branding: { logo: '***' } }, 'branding.logo', 'not base64 data'],
    [
      'a WhatsApp number with symbols',
      { channels: { whatsapp_number: '+52 55 1234 5678' } },
      'channels.whatsapp_number',
      expect.any(String),
    ],
    [
      'a Telegram user that is not a bot',
      { channels: { telegram_bot_username: 'kemper' } },
      'channels.telegram_bot_username',
      expect.any(String),
    ],
  ])('refuses %s', async (_name, body, field, message) => {
    const fields = await fieldsOf(await patch(body));
    expect(fields).toContainEqual({ field, message });
  });

  it('leaves the settings untouched after a refused update', async () => {
    const before = await (await h.call('GET', '/api/v1/settings', { key: admin })).json();
    await patch({ series: 'NEW', issuer: { lugar_expedicion: '00000' } });
    expect(await (await h.call('GET', '/api/v1/settings', { key: admin })).json()).toEqual(before);
  });

  it('stores a valid CSD encrypted, shows it in the settings and audits the upload', async () => {
    const res = await upload(csdForm({ cer: EKU_CER, key: EKU_KEY, password: '12345678a' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      no_certificado: '30001000000500003416',
      valid_from: '2023-05-18T04:43:51-07:00',
      valid_to: '2027-05-18T04:43:51-07:00',
    });
    const settings = await (await h.call('GET', '/api/v1/settings', { key: admin })).json();
    expect(settings.csd.no_certificado).toBe('30001000000500003416');
    const stored = await loadActiveCsd(h.db.sql, h.ctx.secrets, companyId);
    expect(Buffer.from(stored!.privateKey).equals(EKU_KEY)).toBe(true);
    const [row] = await h.db
      .sql`select private_key_enc from csd_credentials where company_id = ${companyId} and active`;
    expect(Buffer.from(row!.private_key_enc).includes(EKU_KEY.subarray(0, 64))).toBe(false);
    const audits = await h.db.sql`select subject from audit_log where action = 'csd.uploaded'`;
    expect(audits.map((a) => a.subject)).toEqual(['30001000000500003416']);
  });

  it.each([
    [
      'a wrong password',
      { cer: EKU_CER, key: EKU_KEY, password: 'nope' },
      [['password', 'wrong password for the private key']],
    ],
    [
      'a key of another certificate',
      { cer: EKU_CER, key: CACX_KEY, password: '12345678a' },
      [['key', expect.stringContaining('not a pair')]],
    ],
    [
      'an expired certificate of another RFC',
      { cer: CACX_CER, key: CACX_KEY, password: '12345678a' },
      [
        ['cer', 'the certificate expired on 2023-06-17'],
        ['cer', 'the certificate belongs to RFC CACX7605101P8, not to this company (EKU9003173C9)'],
      ],
    ],
    [
      'files that are not a certificate and a key',
      { cer: Buffer.from('hola'), key: Buffer.from('mundo'), password: 'x' },
      [
        ['cer', expect.any(String)],
        ['key', expect.any(String)],
      ],
    ],
    [
      'missing parts',
      {},
      [
        ['cer', 'required (a file)'],
        ['key', 'required (a file)'],
        ['password', 'required'],
      ],
    ],
  ])('refuses a CSD upload with %s, naming the field', async (_name, parts, expected) => {
    const fields = await fieldsOf(await upload(csdForm(parts)));
    expect(fields.map((f) => [f.field, f.message])).toEqual(expected);
  });

  it('refuses oversized, unexpected and non-multipart uploads', async () => {
    const big = await upload(csdForm({ cer: Buffer.alloc(70_000, 1), key: EKU_KEY, password: 'x' }));
    expect(big.status).toBe(413);
    const extra = await fieldsOf(
      await upload(csdForm({ cer: EKU_CER, key: EKU_KEY, password: 'x', extra: ['pfx', EKU_KEY] })),
    );
    expect(extra).toEqual([{ field: 'pfx', message: 'unexpected file field' }]);
    const json = await h.call('PUT', '/api/v1/settings/csd', { key: admin, json: { password: 'x' } });
    expect(json.status).toBe(415);
    expect((await json.json()).error.code).toBe('unsupported_media_type');
    const still = await (await h.call('GET', '/api/v1/settings', { key: admin })).json();
    expect(still.csd.no_certificado).toBe('30001000000500003416');
  });

  const openssl = spawnSync('openssl', ['version']).status === 0;
  it.skipIf(!openssl)('refuses a FIEL (generated with openssl) as not a CSD', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'af-fiel-'));
    const at = (f: string) => path.join(dir, f);
    const run = (args: string) => {
      const r = spawnSync('openssl', args.split(' '), { encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`openssl ${args} failed: ${r.stderr}`);
    };
    try {
      // A FIEL: the RFC in x500UniqueIdentifier and no OU (branch), which a CSD always has.
      const subject = '/CN=ESCUELA/x500UniqueIdentifier=EKU9003173C9';
      const usage = 'keyUsage=critical,digitalSignature,nonRepudiation,dataEncipherment,keyAgreement';
      const r = spawnSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('k.pem'), '-out', at('c.pem')].concat(
          ['-days', '30', '-subj', subject, '-addext', usage],
        ),
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
      run(`x509 -in ${at('c.pem')} -outform DER -out ${at('c.cer')}`);
      run(`pkcs8 -topk8 -in ${at('k.pem')} -outform DER -out ${at('k.key')} -v2 des3 -passout pass:fiel1234`);
      const form = csdForm({
        cer: readFileSync(at('c.cer')),
        key: readFileSync(at('k.key')),
        password: 'fiel1234',
      });
      const res = await upload(form);
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(JSON.parse(text).error.fields).toEqual([
        {
          field: 'cer',
          message: 'this is an e.firma (FIEL) certificate, not a CSD (Certificado de Sello Digital)',
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
