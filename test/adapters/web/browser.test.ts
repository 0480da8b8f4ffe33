/**
 * The web chat in a real browser (headless Chromium through playwright-core) against the whole
 * product: a person opens the ticket's QR link `/t/<code>` (the code is sent by itself), types the
 * date, total, RFC, name and postal code, taps régimen, uso and confirm, and downloads the PDF; at
 * phone size (360×740) and desktop size (1280×800). Screenshots and the PDF are kept in
 * `test-artifacts/web-chat/`. No console errors, no CSP violations, nothing overflowing sideways.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Download,
  type Locator,
  type Page,
} from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RECEPTOR, startTestApp, type TestApp } from '../../helpers/app.ts';
import { DB_MODE } from '../../helpers/db.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/web-chat/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`web chat browser tests skipped: ${CHROMIUM} is not installed`);

const VIEWPORTS = {
  phone: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
} as const;

/** What went wrong inside the page: console errors, uncaught exceptions, CSP violations, failed requests. */
interface PageTrouble {
  problems: string[];
  posts: number;
}

async function watch(context: BrowserContext, page: Page): Promise<PageTrouble> {
  const trouble: PageTrouble = { problems: [], posts: 0 };
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      trouble.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => trouble.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // The file link opens a tab that turns into a download: its navigation is aborted by design.
    if (!r.url().includes('/chat/files/'))
      trouble.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/chat/api/messages')) trouble.posts++;
  });
  return trouble;
}

/** The text as rendered, line breaks included (Playwright's innerText, not the DOM property). */
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, the rendered lines are the point
const textOf = (locator: Locator) => locator.innerText();

/** Does `action` and waits for the bot's answer; returns the text of the last bot message. */
async function answered(page: Page, action: () => Promise<unknown>): Promise<string> {
  const before = await page.locator('.msg.bot').count();
  await action();
  await page.waitForFunction(
    (n) => document.querySelectorAll('.msg.bot').length > n && !document.querySelector('.typing'),
    before,
  );
  return textOf(page.locator('.msg.bot').last());
}

async function type(page: Page, text: string): Promise<string> {
  return answered(page, async () => {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
  });
}

async function tap(page: Page, touch: boolean, selector: string): Promise<string> {
  const target = page.locator(selector);
  return answered(page, () => (touch ? target.tap() : target.click()));
}

/**
 * Clicks a file link and resolves with the download. The link opens a tab that turns into the
 * download (Chromium reports it on the opener and closes the tab); both events are awaited so the
 * next click's tab is not mistaken for this one's.
 */
async function downloadFrom(page: Page, click: () => Promise<unknown>): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.waitForEvent('popup'), click()]);
  return download;
}

/** Fails when anything sticks out sideways (the page scrolls horizontally) at this width. */
async function expectNoSidewaysOverflow(page: Page): Promise<void> {
  const { width, widest } = await page.evaluate(() => ({
    width: window.innerWidth,
    widest: Math.max(
      document.documentElement.scrollWidth,
      ...Array.from(document.querySelectorAll('.msg, .choices button:not([hidden]), .file')).map(
        (el) => el.getBoundingClientRect().right,
      ),
    ),
  }));
  expect(widest).toBeLessThanOrEqual(width);
}

describe.skipIf(!hasChromium)(`web chat in Chromium (${DB_MODE})`, () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [app, browser] = await Promise.all([
      startTestApp(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const receptors = {
    phone: DEFAULT_RECEPTOR,
    desktop: { ...DEFAULT_RECEPTOR, rfc: 'GODE561231GR8', nombre: 'Diego Gómez Estrada' },
  };

  for (const size of ['phone', 'desktop'] as const) {
    it(`issues an invoice from the ticket link to the PDF download (${size})`, async () => {
      const touch = VIEWPORTS[size].hasTouch;
      const shot = async (name: string) => {
        if (!touch) await page.mouse.move(0, 0); // no hover effect in the pictures
        await page.screenshot({ path: `${ARTIFACTS}${size}-${name}.png` });
      };
      const r = receptors[size];
      const ticket = await app.ticket();
      const compact = ticket.code.replace(/-/gu, '');
      const context = await browser.newContext({
        ...VIEWPORTS[size],
        acceptDownloads: true,
        locale: 'es-MX',
      });
      const page = await context.newPage();
      const trouble = await watch(context, page);
      try {
        const opened = await answered(page, () => page.goto(`${app.url}/t/${compact}`));
        expect(opened).toContain('fecha de compra');
        expect(await textOf(page.locator('.msg.me').first())).toBe(`Código: ${ticket.code}`);
        await page.waitForFunction(() => document.getElementById('shop')?.textContent?.includes('Kemper'));
        expect(await page.locator('#demo').isVisible()).toBe(true);
        // *bold* in the flow's text is shown bold, without the asterisks.
        expect(await textOf(page.locator('.msg.bot strong').last())).toBe('fecha de compra');
        expect(opened).not.toContain('*');
        if (size === 'phone') {
          const header = await page.locator('#bar').boundingBox();
          expect(header!.height).toBeLessThanOrEqual(72); // a long shop name stays on one line
        }
        await shot('1-opened');

        expect(await type(page, ticket.date)).toContain('total');
        expect(await type(page, ticket.total)).toContain('RFC');
        expect(await type(page, r.rfc)).toContain('nombre');
        expect(await type(page, r.nombre)).toContain('código postal');
        expect(await type(page, r.codigoPostal)).toContain('régimen fiscal');

        // Thirteen régimenes: the first six are shown, the rest behind "Ver las 13 opciones".
        const regimen = page.locator(`button[data-choice="regimen:${r.regimenFiscal}"]`);
        expect(await page.locator('.choices button[data-choice]:visible').count()).toBe(6);
        expect(await regimen.isVisible()).toBe(false);
        await expectNoSidewaysOverflow(page);
        await shot('2-regimen');
        await page.locator('.choices button.more').click();
        expect(await regimen.isVisible()).toBe(true);
        await regimen.scrollIntoViewIfNeeded();
        await shot('3-regimen-all');

        expect(await tap(page, touch, `button[data-choice="regimen:${r.regimenFiscal}"]`)).toContain(
          'uso CFDI',
        );
        // The answered options are gone; the answer bubble says what was chosen.
        expect(await page.locator(`button[data-choice^="regimen:"]`).count()).toBe(0);
        expect(await textOf(page.locator('.msg.me').last())).toBe(
          '612 Actividades Empresariales y Profesionales',
        );
        expect(await tap(page, touch, `button[data-choice="uso:${r.usoCfdi}"]`)).toContain('correo');
        const summary = await tap(page, touch, 'button[data-choice="email:skip"]');
        for (const line of [`RFC: ${r.rfc}`, `Código postal: ${r.codigoPostal}`, 'Total: $90.00'])
          expect(summary).toContain(line);
        // "Label: value" lines are laid out as such (muted label, hanging indent).
        expect(await page.locator('.msg.bot').last().locator('.kv').count()).toBeGreaterThanOrEqual(6);
        expect(await textOf(page.locator('.msg.bot').last().locator('.kv .k').first())).toMatch(
          /^\p{Lu}[\p{L} ]+: $/u,
        );
        // The summary is taller than a phone screen with its options: its top is shown first.
        const top = await page.evaluate(() => {
          const log = document.getElementById('log')!.getBoundingClientRect();
          const last = Array.from(document.querySelectorAll('.msg.bot')).at(-1)!.getBoundingClientRect();
          return { log: log.top, bubble: last.top };
        });
        expect(top.bubble).toBeGreaterThanOrEqual(top.log);
        await expectNoSidewaysOverflow(page);
        await shot('4-summary');

        const issued = await tap(page, touch, 'button[data-choice="confirm"]');
        expect(issued).toContain('otro ticket');
        const files = page.locator('a.file');
        expect(await files.count()).toBe(2);
        const [invoice] = await app.db.sql`
          select i.serie, i.folio, i.chat_id from invoices i join tickets t on t.id = i.ticket_id where t.code = ${compact}`;
        const base = `${app.demo.company.rfc}_${invoice!.serie}-${invoice!.folio}`;
        expect(await textOf(files.nth(0))).toBe(`Descargar PDF\n${base}.pdf`);
        expect(await textOf(files.nth(1))).toBe(`Descargar XML\n${base}.xml`);
        await page.locator('a.file').first().scrollIntoViewIfNeeded();
        await expectNoSidewaysOverflow(page);
        await shot('5-issued');

        const download = await downloadFrom(page, () => (touch ? files.nth(0).tap() : files.nth(0).click()));
        expect(download.suggestedFilename()).toBe(`${base}.pdf`);
        const saved = `${ARTIFACTS}${size}-invoice.pdf`;
        await download.saveAs(saved);
        expect(readFileSync(saved).subarray(0, 5).toString('latin1')).toBe('%PDF-');

        // A reload (a phone discarding the tab) shows the conversation again without resending the code.
        const posts = trouble.posts;
        await page.reload();
        await page.locator('.msg.bot', { hasText: 'otro ticket' }).waitFor();
        expect(await page.locator('.msg.me', { hasText: 'Código:' }).count()).toBe(1);
        expect(await page.locator('a.file').count()).toBe(2);
        expect(trouble.posts).toBe(posts);

        if (size === 'phone') {
          // A photo shows as a thumbnail and reaches the conversation (no scanner here: unreadable);
          // a file that is not a photo is refused by the web chat itself.
          const png = await QRCode.toBuffer('https://example.invalid/sin-codigo');
          await answered(page, () =>
            page.setInputFiles('#photo', { name: 'ticket.png', mimeType: 'image/png', buffer: png }),
          );
          expect(await textOf(page.locator('.msg.me').last())).toBe('Foto del ticket');
          expect(await page.locator('.msg.me img.thumb').last().isVisible()).toBe(true);
          expect(await page.locator('.msg.bot', { hasText: 'No pude leer el código' }).count()).toBe(1);
          const refused = await answered(page, () =>
            page.setInputFiles('#photo', {
              name: 'ticket.jpg',
              mimeType: 'image/jpeg',
              buffer: Buffer.from('%PDF-1.7 no es una foto'),
            }),
          );
          expect(refused).toContain('Eso no parece una foto');
          await shot('6-photos');
        }
        if (size === 'desktop') {
          // Two more downloads use up the link; the fourth opens a tab that explains it in Spanish.
          const pdfLink = page.locator('a.file').first();
          for (let i = 0; i < 2; i++) await downloadFrom(page, () => pdfLink.click());
          const [tab] = await Promise.all([page.waitForEvent('popup'), pdfLink.click()]);
          await tab.waitForLoadState();
          expect(await textOf(tab.locator('body'))).toContain('Este enlace ya se usó 3 veces');
          await tab.screenshot({ path: `${ARTIFACTS}${size}-6-link-used-up.png` });
          await tab.close();
        }
        expect(trouble.problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
