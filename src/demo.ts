/**
 * The demo: on an empty database, a clearly labelled demo company built on SAT's test CSD
 * (EKU9003173C9), stamping in sandbox mode, with an admin key, a POS key and one open ticket.
 * What to do next is printed in Spanish and English and written to DATA_DIR/demo.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { insertCompany } from './companies/companies.ts';
import { storeCsd } from './companies/csd-store.ts';
import { createApiKey } from './companies/keys.ts';
import type { AppContext } from './context.ts';
import { createTicket } from './tickets/service.ts';

const CSD_DIR = new URL('./sat/data/csd-demo/', import.meta.url);
export const DEMO_RFC = 'EKU9003173C9';

export interface DemoInfo {
  company: { rfc: string; name: string };
  keys: { admin: string; pos: string };
  ticket: { code: string; date: string; total: string };
  urls: { web: string; api: string; docs: string; ticket: string };
}

/** Creates the demo company, keys and ticket, and writes demo.json. Call only on an empty database. */
export async function createDemo(ctx: AppContext, now = new Date()): Promise<DemoInfo> {
  const publicUrl = ctx.config.publicUrl;
  const info = await ctx.sql.begin(async (tx) => {
    const company = await insertCompany(tx, {
      rfc: DEMO_RFC,
      name: 'ESCUELA KEMPER URGATE',
      regimenFiscal: '601',
      lugarExpedicion: '42501',
      isDemo: true,
    });
    await tx`update company_settings set brand_name = 'Café Kemper (DEMO, sin validez fiscal)', brand_color = '#0F766E',
             series = 'DEMO' where company_id = ${company.id}`;
    await storeCsd(tx, ctx.secrets, company.id, {
      certificate: readFileSync(new URL('EKU9003173C9.cer', CSD_DIR)),
      privateKey: readFileSync(new URL('EKU9003173C9.key', CSD_DIR)),
      password: readFileSync(new URL('password.txt', CSD_DIR), 'utf8').trim(),
    });
    const admin = await createApiKey(tx, company.id, 'admin', 'demo admin');
    const pos = await createApiKey(tx, company.id, 'pos', 'demo POS');
    const soldAt = new Date(now.getTime() - 60 * 60 * 1000);
    const ticket = await createTicket(
      tx,
      company,
      {
        external_id: 'DEMO-0001',
        sold_at: soldAt.toISOString(),
        payment_form: '01',
        prices_include_tax: true,
        items: [
          {
            description: 'Café americano grande',
            quantity: '2',
            unit_price: '45.00',
            product_key: '90101501',
            unit_key: 'H87',
            tax: 'IVA16',
            ieps_rate: null,
            discount: '0',
          },
          {
            description: 'Pan dulce (concha)',
            quantity: '3',
            unit_price: '18.50',
            product_key: '50181900',
            unit_key: 'H87',
            tax: 'IVA0',
            ieps_rate: null,
            discount: '0',
          },
        ],
        total: '145.50',
      },
      publicUrl,
    );
    if (ticket.kind !== 'created' && ticket.kind !== 'existing')
      throw new Error('Demo ticket was not created');
    const date = new Intl.DateTimeFormat('en-CA', { timeZone: company.timeZone }).format(soldAt);
    return {
      company: { rfc: company.rfc, name: company.name },
      keys: { admin: admin.key, pos: pos.key },
      ticket: { code: ticket.ticket.code, date, total: ticket.ticket.total },
      urls: {
        web: `${publicUrl}/`,
        api: `${publicUrl}/api/v1`,
        docs: `${publicUrl}/docs`,
        ticket: `${publicUrl}/t/${ticket.ticket.code.replace(/-/gu, '')}`,
      },
    } satisfies DemoInfo;
  });
  writeFileSync(demoFile(ctx.config.dataDir), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return info;
}

export function demoFile(dataDir: string): string {
  return path.join(dataDir, 'demo.json');
}

/** The demo as written on first start, or null. */
export function readDemo(dataDir: string): DemoInfo | null {
  try {
    return JSON.parse(readFileSync(demoFile(dataDir), 'utf8')) as DemoInfo;
  } catch {
    return null;
  }
}

/** What to do next, in Spanish and English. */
export function demoBanner(info: DemoInfo, dataDir: string): string {
  return [
    '',
    '================ Autofactura DEMO ================',
    `Empresa de prueba / demo company: ${info.company.name} (${info.company.rfc}) — timbrado sandbox, SIN VALIDEZ FISCAL`,
    '',
    'ES: Abre el chat web y factura el ticket de prueba:',
    'EN: Open the web chat and invoice the demo ticket:',
    `    ${info.urls.ticket}`,
    `    código / code: ${info.ticket.code}   fecha / date: ${info.ticket.date}   total: $${info.ticket.total}`,
    '',
    'ES: API de administración y de punto de venta / EN: admin and POS API:',
    `    ${info.urls.api}   (docs: ${info.urls.docs})`,
    `    admin key: ${info.keys.admin}`,
    `    POS key:   ${info.keys.pos}`,
    `    curl -H "Authorization: Bearer ${info.keys.admin}" ${info.urls.api}/settings`,
    '',
    `ES: Todo esto está también en / EN: all of this is also in ${demoFile(dataDir)}`,
    '==================================================',
    '',
  ].join('\n');
}
