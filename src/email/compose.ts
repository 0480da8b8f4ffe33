/**
 * The invoice e-mail: Spanish HTML and text bodies with the shop's branding, the PDF and XML
 * attached as `<RFC emisor>_<serie>-<folio>.pdf|xml`.
 */
import type { ReplyFile } from '../conversation/types.ts';

export interface InvoiceMail {
  to: string;
  from: string;
  replyTo?: string;
  subject: string;
  /** One per invoice, so a mail repeated after a crash is recognisably the same message. */
  messageId: string;
  text: string;
  html: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string }>;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}

export function composeInvoiceMail(input: {
  to: string;
  from: string;
  replyTo?: string | null;
  shopName: string;
  color?: string | null;
  serieFolio: string;
  uuid: string;
  total: string;
  receptorNombre: string;
  sandbox: boolean;
  files: ReplyFile[];
}): InvoiceMail {
  const color = input.color && /^#[0-9A-Fa-f]{6}$/u.test(input.color) ? input.color : '#0F766E';
  const shop = input.shopName;
  const note = input.sandbox ? 'Esta factura es de PRUEBA (sandbox) y no tiene validez fiscal.' : '';
  const text = [
    `Hola, ${input.receptorNombre}:`,
    '',
    `Gracias por tu compra en ${shop}. Te enviamos tu factura ${input.serieFolio}.`,
    `Folio fiscal (UUID): ${input.uuid}`,
    `Total: $${input.total} MXN`,
    '',
    'Adjuntamos el PDF y el XML. Guarda el XML: es el comprobante fiscal.',
    note,
    '',
    `— ${shop}`,
  ]
    .filter((line, i, all) => line !== '' || all[i - 1] !== '')
    .join('\n');
  const html = `<!doctype html><html lang="es"><body style="margin:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#fff;border-radius:8px;overflow:hidden">
<tr><td style="background:${color};color:#fff;padding:16px 24px;font-size:20px;font-weight:bold">${escapeHtml(shop)}</td></tr>
<tr><td style="padding:24px;font-size:15px;line-height:1.5">
<p>Hola, ${escapeHtml(input.receptorNombre)}:</p>
<p>Gracias por tu compra. Te enviamos tu factura <b>${escapeHtml(input.serieFolio)}</b>.</p>
<p>Folio fiscal (UUID): <code>${escapeHtml(input.uuid)}</code><br>Total: <b>$${escapeHtml(input.total)} MXN</b></p>
<p>Adjuntamos el PDF y el XML. Guarda el XML: es el comprobante fiscal.</p>
${note ? `<p style="color:#b91c1c"><b>${escapeHtml(note)}</b></p>` : ''}
</td></tr></table></td></tr></table></body></html>`;
  return {
    to: input.to,
    from: input.from,
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    subject: `Tu factura ${input.serieFolio} de ${shop}`,
    messageId: `<factura-${input.uuid.toLowerCase()}@autofactura.local>`,
    text,
    html,
    attachments: input.files.map((f) => ({
      filename: f.name,
      content: Buffer.from(f.bytes),
      contentType: f.mime,
    })),
  };
}
