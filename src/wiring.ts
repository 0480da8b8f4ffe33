/**
 * Wires the parts onto one context: invoicing (PAC per company), jobs (pg-boss), e-mail, the
 * conversation runtime with the invoicing flow, the admin API, the web chat and the channels that
 * configuration switches on. Kept apart from serve.ts so tests build the same graph on a test database.
 */

import { type ChannelAdapter, createTelegramAdapter } from '../adapters/telegram/index.ts';
import { purgeExpiredLinks } from '../adapters/web/files.ts';
import { createWebChat } from '../adapters/web/index.ts';
import { loadActiveCsd } from './companies/csd-store.ts';
import type { AppContext } from './context.ts';
import { invoicingFlow } from './conversation/invoicing-flow.ts';
import { ConversationRuntime } from './conversation/runtime.ts';
import type { InboundMessage, Reply } from './conversation/types.ts';
import { createMailSender, type MailSender } from './email/transport.ts';
import { createApiRouter, docsRouter } from './http/api/index.ts';
import type { Mount } from './http/app.ts';
import { loadInvoiceRecord } from './invoices/files.ts';
import { createPacResolver } from './invoices/pac-resolver.ts';
import { type PacDriver, PacError } from './invoicing/pac/index.ts';
import { renderPdf } from './invoicing/pdf/index.ts';
import { createBoss, type PgBoss } from './jobs/boss.ts';
import { deliveryNotices } from './jobs/delivery-notices.ts';
import { InvoiceJobs } from './jobs/invoice-jobs.ts';
import { Metrics } from './metrics.ts';

export interface Services {
  mounts: Mount[];
  /** Lines for the operator: which channels are on, how to enable the others. */
  notes: string[];
  runtime: ConversationRuntime;
  jobs: InvoiceJobs;
  boss: PgBoss;
  metrics: Metrics;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WireOptions {
  /** Replaces the sandbox PAC (tests inject a failing one). */
  sandboxPac?: PacDriver;
  mail?: MailSender;
  bossSchema?: string;
  /** Stamping/e-mail retry back-off base (seconds); tests use 1. */
  retryDelaySeconds?: number;
  retryLimit?: number;
  /** Reads ticket photos; absent: images are not scanned. */
  scanImage?: (bytes: Uint8Array) => Promise<unknown>;
  webRateLimitPerMinute?: number;
  now?: () => Date;
}

export async function wireServices(ctx: AppContext, options: WireOptions = {}): Promise<Services> {
  const { sql, log, secrets, config } = ctx;
  const metrics = new Metrics();
  const mail = options.mail ?? createMailSender({ dataDir: config.dataDir, defaultSmtpUrl: config.smtpUrl });
  const pacResolver = createPacResolver({
    sql,
    secrets,
    ...(options.sandboxPac ? { sandbox: options.sandboxPac } : {}),
  });
  const pacFor = async (companyId: string): Promise<PacDriver> =>
    instrumentPac(await pacResolver(companyId), metrics);
  /** Once per invoice recorded as stamped, whether in the chat's turn or by a later job. */
  const onStamped = ({ channel }: { channel: string }) => metrics.invoicesIssued.inc({ channel });
  const boss = createBoss(sql, log, { ...(options.bossSchema ? { schema: options.bossSchema } : {}) });

  let runtime: ConversationRuntime;
  const jobs = new InvoiceJobs(boss, {
    sql,
    secrets,
    log,
    mail,
    pacFor,
    onStamped,
    notices: deliveryNotices,
    notify: (channel, chatId, replies) => runtime.notify(channel, chatId, replies),
    ...(options.retryDelaySeconds ? { retryDelaySeconds: options.retryDelaySeconds } : {}),
    ...(options.retryLimit ? { retryLimit: options.retryLimit } : {}),
    ...(options.now ? { now: options.now } : {}),
    onMailFailed: () => metrics.emailFailures.inc(),
  });
  const actorDeps = {
    sql,
    secrets,
    pacFor,
    onStamped,
    ...(options.now ? { now: options.now } : {}),
    onIssued: (invoiceId: string) => jobs.enqueueEmail(invoiceId),
    onQueued: (invoiceId: string) => jobs.enqueueStamp(invoiceId),
  };
  const flow = invoicingFlow(actorDeps, { onOutcome: (outcome) => metrics.outcomes.inc({ outcome }), log });
  runtime = new ConversationRuntime({
    db: ctx.db,
    flow,
    log,
    ...(options.scanImage ? { scanImage: options.scanImage } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const handle = runtime.handle.bind(runtime);
  runtime.handle = async (message: InboundMessage): Promise<Reply[]> => {
    metrics.messagesIn.inc({ channel: message.channel });
    const replies = await handle(message);
    metrics.messagesOut.inc({ channel: message.channel }, replies.length);
    return replies;
  };

  const pdfFor = async (xml: string, invoiceId: string): Promise<Buffer> => {
    const record = await loadInvoiceRecord(sql, { id: invoiceId });
    return renderPdf(xml, { branding: record?.branding ?? {} });
  };
  const api = createApiRouter(ctx, {
    async renderPdf(invoice) {
      const [row] =
        await sql`select id from invoices where company_id = ${invoice.companyId} and xml = ${invoice.xml} limit 1`;
      return row ? pdfFor(invoice.xml, String(row.id)) : renderPdf(invoice.xml);
    },
    async cancelInvoice(req) {
      const [row] = await sql`
        select i.total::text as total, i.receptor->>'rfc' as rfc_receptor, c.rfc as rfc_emisor
        from invoices i join companies c on c.id = i.company_id
        where i.company_id = ${req.companyId} and i.uuid = ${req.uuid.toLowerCase()}`;
      if (!row) return { status: 'rejected', message: 'invoice not found' };
      const csd = await loadActiveCsd(sql, secrets, req.companyId);
      if (!csd) return { status: 'rejected', message: 'the company has no active CSD' };
      const pac = await pacFor(req.companyId);
      return pac.cancel({
        uuid: req.uuid.toUpperCase(),
        rfcEmisor: row.rfc_emisor,
        rfcReceptor: row.rfc_receptor,
        total: row.total,
        motivo: req.motivo,
        ...(req.folioSustitucion ? { folioSustitucion: req.folioSustitucion } : {}),
        csd,
      });
    },
  });
  const web = createWebChat({
    runtime,
    sql,
    log,
    renderPdf: pdfFor,
    ...(options.webRateLimitPerMinute ? { rateLimitPerMinute: options.webRateLimitPerMinute } : {}),
    secureCookies: config.publicUrl.startsWith('https://'),
  });

  const channels: ChannelAdapter[] = [];
  if (config.telegram.token) {
    channels.push(
      createTelegramAdapter({
        runtime,
        log: log.child({ channel: 'telegram' }),
        token: config.telegram.token,
        ...(config.telegram.webhookUrl ? { webhookUrl: config.telegram.webhookUrl } : {}),
        ...(config.telegram.apiRoot ? { apiRoot: config.telegram.apiRoot } : {}),
      }),
    );
  }
  if (config.whatsapp.enabled) {
    // Loaded lazily: Baileys takes about a second to import.
    const { createWhatsAppAdapter } = await import('../adapters/whatsapp/index.ts');
    channels.push(
      createWhatsAppAdapter({
        runtime,
        log: log.child({ channel: 'whatsapp' }),
        db: ctx.db,
        ...(config.whatsapp.pairingNumber ? { pairingNumber: config.whatsapp.pairingNumber } : {}),
        ...(config.operatorKey ? { operatorKey: config.operatorKey } : {}),
      }),
    );
  }

  const mounts: Mount[] = [
    { path: '/api/v1', router: api },
    { path: '/docs', router: docsRouter },
    {
      path: '/metrics',
      router: metrics.router(async () => {
        for (const [queue, depth] of Object.entries(await queueDepths(boss)))
          metrics.queueDepth.set({ queue }, depth);
      }),
    },
    ...channels.flatMap((c) => c.mounts ?? []),
    ...web.mounts,
  ];
  const notes = [...web.notes, ...channels.flatMap((c) => c.notes)];
  if (!config.telegram.token)
    notes.push('Telegram is off: set TELEGRAM_BOT_TOKEN (from @BotFather) to enable it.');
  if (!config.whatsapp.enabled)
    notes.push('WhatsApp is off: set WHATSAPP_ENABLED=true and pair at /admin/whatsapp.');

  return {
    mounts,
    notes,
    runtime,
    jobs,
    boss,
    metrics,
    async start() {
      await boss.start();
      await jobs.start();
      await scheduleMaintenance(boss, runtime, sql);
      for (const channel of channels) await channel.start();
      // Conversations a crash left in a busy step finish it now, not when the customer writes again.
      void runtime
        .resumeInterrupted({ olderThanSeconds: 0 })
        .catch((err: unknown) => log.error({ err }, 'resuming interrupted conversations failed'));
    },
    async stop() {
      for (const channel of channels) await channel.stop();
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
      await runtime.close();
    },
  };
}

const MAINTENANCE = [
  { name: 'expire-conversations', cron: '* * * * *', expireInSeconds: 50 },
  { name: 'redeliver-outbox', cron: '* * * * *', expireInSeconds: 50 },
  { name: 'purge-download-links', cron: '17 * * * *', expireInSeconds: 600 },
] as const;

async function scheduleMaintenance(
  boss: PgBoss,
  runtime: ConversationRuntime,
  sql: AppContext['sql'],
): Promise<void> {
  const work: Record<(typeof MAINTENANCE)[number]['name'], () => Promise<unknown>> = {
    'expire-conversations': () => runtime.expireIdle(),
    'redeliver-outbox': () => runtime.redeliver(),
    'purge-download-links': () => purgeExpiredLinks(sql),
  };
  for (const job of MAINTENANCE) {
    // Singleton: a run left active by a crashed process would block the next ones until it
    // expires, so each expires before its next turn instead of after pg-boss' default 15 minutes.
    const queue = {
      name: job.name,
      policy: 'singleton' as const,
      retryLimit: 0,
      expireInSeconds: job.expireInSeconds,
    };
    await boss.createQueue(job.name, queue);
    await boss.updateQueue(job.name, queue); // a queue made by an older version takes these too
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, async () => {
      await work[job.name]();
    });
  }
}

async function queueDepths(boss: PgBoss): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of ['stamp-invoice', 'send-invoice-email']) out[name] = await boss.getQueueSize(name);
  return out;
}

function instrumentPac(driver: PacDriver, metrics: Metrics): PacDriver {
  return {
    name: driver.name,
    async stamp(xml, opts) {
      const end = metrics.stampSeconds.startTimer();
      try {
        return await driver.stamp(xml, opts);
      } catch (err) {
        if (err instanceof PacError) metrics.pacErrors.inc({ code: err.code });
        throw err;
      } finally {
        end();
      }
    },
    cancel: (req) => driver.cancel(req),
    status: (req) => driver.status(req),
  };
}
