import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Company, insertCompany } from '../../src/companies/companies.ts';
import { SecretBox } from '../../src/secrets.ts';
import { loadPacCredentials, loadSmtpUrl } from '../../src/settings/credentials.ts';
import { loadSettings, updateSettings } from '../../src/settings/repo.ts';
import { createTestDatabase, DB_MODE, type TestDatabase } from '../helpers/db.ts';

describe(`settings repository (${DB_MODE})`, () => {
  let db: TestDatabase;
  let company: Company;
  const box = new SecretBox(randomBytes(32));
  beforeAll(async () => {
    db = await createTestDatabase();
    company = await insertCompany(db.sql, {
      rfc: 'EKU9003173C9',
      name: 'Kemper',
      regimenFiscal: '601',
      lugarExpedicion: '06600',
    });
  });
  afterAll(() => db.close());

  it('starts from the defaults', async () => {
    const s = await loadSettings(db.sql, company.id);
    expect(s).toMatchObject({
      selfInvoicingEnabled: true,
      series: 'AF',
      invoicingWindow: 'month',
      issuer: {
        rfc: 'EKU9003173C9',
        regimenFiscal: '601',
        lugarExpedicion: '06600',
        timeZone: 'America/Mexico_City',
      },
      pac: { driver: 'sandbox', sw: { baseUrl: null, user: null, passwordSet: false, tokenSet: false } },
      email: { smtpUrlSet: false },
      csd: null,
    });
  });

  it('stores PAC and SMTP secrets encrypted, readable only through the SecretBox', async () => {
    const result = await updateSettings(db.sql, box, company.id, {
      pac: {
        driver: 'sw',
        sw: { baseUrl: 'https://services.test.sw.com.mx', user: 'demo', password: 'pac-s3cret' },
      },
      email: { smtpUrl: 'smtps://mailer:smtp-s3cret@smtp.example.mx:465' },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.changed).toEqual([
      'pac.driver',
      'email.smtp_url',
      'pac.sw.base_url',
      'pac.sw.user',
      'pac.sw.password',
    ]);
    expect(result.settings.pac.sw).toEqual({
      baseUrl: 'https://services.test.sw.com.mx',
      user: 'demo',
      passwordSet: true,
      tokenSet: false,
    });
    const [raw] = await db.sql`select * from company_settings where company_id = ${company.id}`;
    const dump = JSON.stringify(raw, (_k, v) =>
      v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
    );
    expect(dump).not.toContain('pac-s3cret');
    expect(dump).not.toContain('smtp-s3cret');
    expect(await loadPacCredentials(db.sql, box, company.id)).toEqual({
      driver: 'sw',
      baseUrl: 'https://services.test.sw.com.mx',
      user: 'demo',
      password: 'pac-s3cret',
      token: null,
    });
    expect(await loadSmtpUrl(db.sql, box, company.id)).toBe('smtps://mailer:smtp-s3cret@smtp.example.mx:465');
  });

  it('keeps the other secret when one changes, and clears with null', async () => {
    await updateSettings(db.sql, box, company.id, { pac: { sw: { token: 'tok-123' } } });
    expect(await loadPacCredentials(db.sql, box, company.id)).toMatchObject({
      password: 'pac-s3cret',
      token: 'tok-123',
    });
    await updateSettings(db.sql, box, company.id, { pac: { sw: { password: null } } });
    expect(await loadPacCredentials(db.sql, box, company.id)).toMatchObject({
      password: null,
      token: 'tok-123',
    });
    await updateSettings(db.sql, box, company.id, { email: { smtpUrl: null } });
    expect(await loadSmtpUrl(db.sql, box, company.id)).toBeNull();
  });

  it('refuses an sw driver without credentials and régimen or CP outside the catalogs', async () => {
    const other = await insertCompany(db.sql, {
      rfc: 'CACX7605101P8',
      name: 'X',
      regimenFiscal: '612',
      lugarExpedicion: '22000',
    });
    const sw = await updateSettings(db.sql, box, other.id, { pac: { driver: 'sw' } });
    expect(sw.ok === false && sw.problems.map((p) => p.field)).toEqual(['pac.sw.base_url', 'pac.sw']);
    const issuer = await updateSettings(db.sql, box, other.id, {
      issuer: { regimenFiscal: '601', lugarExpedicion: '00000', timeZone: 'Mars/Olympus' },
    });
    expect(issuer.ok === false && issuer.problems).toEqual([
      { field: 'issuer.regimen_fiscal', message: 'régimen 601 does not apply to a persona fisica' },
      { field: 'issuer.lugar_expedicion', message: 'not in c_CodigoPostal' },
      { field: 'issuer.time_zone', message: 'unknown IANA time zone' },
    ]);
    expect((await loadSettings(db.sql, other.id))?.pac.driver).toBe('sandbox');
  });
});
