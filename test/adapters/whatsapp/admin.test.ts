/**
 * Who may open the WhatsApp pairing page. The number serves every company of the installation, so
 * one shop's admin key must not open it once the installation has other shops; OPERATOR_KEY does.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWhatsAppAdminRouter } from '../../../adapters/whatsapp/admin.ts';
import type { WhatsAppStatus } from '../../../adapters/whatsapp/connection.ts';
import { insertCompany } from '../../../src/companies/companies.ts';
import { createApiKey } from '../../../src/companies/keys.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';

const OPERATOR_KEY = 'op_0123456789abcdef0123456789abcdef';
const status: WhatsAppStatus = { state: 'qr', qr: '2@PAIRME,abc,def' };

let db: TestDatabase;
const servers: Server[] = [];

async function serve(operatorKey?: string): Promise<string> {
  const app = express();
  app.use(
    '/admin/whatsapp',
    createWhatsAppAdminRouter({ sql: db.sql, status: () => status, ...(operatorKey ? { operatorKey } : {}) }),
  );
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/whatsapp?format=json`;
}

const get = (url: string, key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });

async function company(rfc: string): Promise<string> {
  const row = await insertCompany(db.sql, {
    rfc,
    name: `EMPRESA ${rfc}`,
    regimenFiscal: '601',
    lugarExpedicion: '42501',
  });
  return (await createApiKey(db.sql, row.id, 'admin')).key;
}

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await db?.close();
});

describe('the WhatsApp pairing page', () => {
  it("opens with the single company's admin key, and stops once there is a second company", async () => {
    const url = await serve();
    const first = await company('EKU9003173C9');
    const alone = await get(url, first);
    expect(alone.status).toBe(200);
    expect(await alone.json()).toMatchObject({ state: 'qr', qr_svg: expect.stringContaining('<svg') });

    const second = await company('IIA040805DZ4');
    for (const key of [first, second]) {
      const refused = await get(url, key);
      expect(refused.status).toBe(403);
      expect((await refused.json()).error).toEqual({
        code: 'forbidden',
        message: 'This installation serves several companies: open the WhatsApp pairing with OPERATOR_KEY',
      });
    }
  });

  it('with OPERATOR_KEY set, opens with that key only', async () => {
    const url = await serve(OPERATOR_KEY);
    const companyKey = await company('XIA190128J61');
    expect((await get(url, OPERATOR_KEY)).status).toBe(200);
    const basic = Buffer.from(`operador:${OPERATOR_KEY}`).toString('base64');
    expect((await fetch(url, { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
    for (const key of [companyKey, `${OPERATOR_KEY}x`, OPERATOR_KEY.slice(0, -1)]) {
      const refused = await get(url, key);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /u);
    }
  });
});
