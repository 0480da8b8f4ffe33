/**
 * Prometheus metrics at /metrics (prom-client): messages in and out per channel, conversation
 * outcomes, invoices issued, stamping latency, PAC errors by code, queue depth, e-mail failures.
 */
import { Router } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({
    name: 'autofactura_messages_in_total',
    help: 'Inbound chat messages',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'autofactura_messages_out_total',
    help: 'Replies sent',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly outcomes = new Counter({
    name: 'autofactura_conversation_outcomes_total',
    help: 'Conversation outcomes (validation results, issued, queued, rejected)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly invoicesIssued = new Counter({
    name: 'autofactura_invoices_issued_total',
    help: 'Invoices stamped',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly stampSeconds = new Histogram({
    name: 'autofactura_stamp_seconds',
    help: 'Build, seal and stamp latency',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly pacErrors = new Counter({
    name: 'autofactura_pac_errors_total',
    help: 'PAC errors by code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly emailFailures = new Counter({
    name: 'autofactura_email_failures_total',
    help: 'E-mail sending failures',
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'autofactura_queue_depth',
    help: 'Jobs waiting per queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });

  constructor(options: { defaults?: boolean } = {}) {
    if (options.defaults !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** The /metrics route; `refresh` updates gauges (queue depth) before each scrape. */
  router(refresh?: () => Promise<void>): Router {
    const router = Router();
    router.get('/', async (_req, res) => {
      await refresh?.().catch(() => {});
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
    return router;
  }
}
