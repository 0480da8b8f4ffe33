import { describe, expect, it } from 'vitest';
import { Chat, CODES, compact, expectAsks, RFCS, reachSummary, TOTALS, texts } from './harness.ts';

/** A chat that has given code and date, and is asked for the total. */
async function atTotal(chatId = 'chat-1'): Promise<Chat> {
  const chat = new Chat({ chatId });
  await chat.say(CODES.main);
  await chat.say('24/11/2026');
  return chat;
}

describe('validateTicket outcomes', () => {
  it.each([
    ['unknown', TOTALS.unknown, 'askCode', /No encuentro ningún ticket con ese código/u],
    ['cancelled', TOTALS.cancelled, 'askCode', /La tienda canceló ese ticket/u],
    ['expired', TOTALS.expired, 'askCode', /terminó el 30 de noviembre de 2026/u],
    ['disabled', TOTALS.disabled, 'askCode', /no tiene activa la autofacturación/u],
    ['cooldown', TOTALS.cooldown, 'askCode', /espera 42 minutos/u],
    ['mismatch', TOTALS.mismatch, 'askDate', /La fecha o el total no coinciden/u],
    [
      'invoiced (re-send possible)',
      TOTALS.invoiced,
      'offerResend',
      /ya está facturado: folio \*A-77\*, UUID UUID-77/u,
    ],
    ['invoiced (no re-send)', TOTALS.invoicedNoResend, 'askCode', /ya no puedo reenviarlo/u],
    ['in progress', TOTALS.inProgress, 'askCode', /folio \*A-79\*\) ya se está timbrando/u],
    ['a failing actor', TOTALS.throws, 'askTotal', /tuvimos un problema/u],
  ])('words %s and asks what comes next', async (_name, total, state, message) => {
    const chat = await atTotal();
    const replies = await chat.say(total);
    expectAsks(chat, replies);
    expect(texts(replies)).toMatch(message);
    expect(chat.state).toBe(state);
  });

  it('does not say which of date or total is wrong, nor reveal stored values', async () => {
    const chat = await atTotal();
    const replies = await chat.say(TOTALS.mismatch);
    const said = texts(replies.slice(0, -1));
    expect(said).toContain('La fecha o el total');
    expect(said).not.toMatch(/\d/u);
    expect(chat.context).toMatchObject({ code: CODES.main, date: null, total: null });
  });

  it('makes a retry after a failing check one tap', async () => {
    const chat = await atTotal();
    const replies = await chat.say(TOTALS.throws);
    expect(replies.at(-1)?.choices).toEqual([{ id: 'use:total', label: 'Sí, $9.00' }]);
    await chat.tap('use:total');
    expect(chat.calls.validateTicket).toHaveLength(2);
    expect(chat.state).toBe('askTotal');
  });

  it('re-sends an invoiced ticket when the customer accepts the offer', async () => {
    const chat = await atTotal();
    await chat.say(TOTALS.invoiced);
    const replies = await chat.tap('yes');
    expectAsks(chat, replies);
    expect(replies.flatMap((r) => r.files ?? [])).toHaveLength(2);
    expect(texts(replies)).toContain('Te quedan 2 reenvíos');
    expect(chat.calls.resendInvoice).toEqual([
      { ticketCode: compact(CODES.main), channel: 'telegram', chatId: 'chat-1' },
    ]);
    expect(chat.state).toBe('done');

    const declined = await atTotal();
    await declined.say(TOTALS.invoiced);
    expectAsks(declined, await declined.say('no'));
    expect(declined.state).toBe('askCode');
    expect(declined.calls.resendInvoice).toHaveLength(0);
  });
});

describe('reenviar', () => {
  it('checks code, date and total, then re-sends', async () => {
    const chat = new Chat();
    await chat.say('hola');
    const ask = await chat.say('reenviar');
    expectAsks(chat, ask);
    expect(texts(ask)).toContain('¿Qué factura te reenvío?');
    await chat.say(CODES.main);
    await chat.say('24/11/2026');
    const sent = await chat.say('4.00');
    expectAsks(chat, sent);
    expect(sent.flatMap((r) => r.files ?? []).map((f) => f.name)).toEqual(['factura.pdf', 'factura.xml']);
    expect(chat.calls.validateTicket).toHaveLength(1);
    expect(chat.state).toBe('done');
  });

  it('takes the code from "reenviar <code>"', async () => {
    const chat = new Chat();
    const replies = await chat.say(`reenviar ${CODES.main}`);
    expectAsks(chat, replies);
    expect(chat.state).toBe('askDate');
    expect(chat.context).toMatchObject({ mode: 'resend', code: CODES.main });
  });

  it.each([
    [CODES.resendLimit, /máximo de veces/u, 'done'],
    [CODES.resendExpired, /un mes\) ya terminó/u, 'done'],
    [CODES.resendFails, /tuvimos un problema/u, 'offerResend'],
  ])('words the result for %s', async (code, message, state) => {
    const chat = new Chat();
    await chat.say('reenviar');
    await chat.say(code);
    await chat.say('hoy');
    const replies = await chat.say(TOTALS.invoiced);
    expectAsks(chat, replies);
    expect(texts(replies)).toMatch(message);
    expect(chat.state).toBe(state);
  });

  it('offers to invoice a ticket that has no invoice yet', async () => {
    const chat = new Chat();
    await chat.say('reenviar');
    await chat.say(CODES.main);
    await chat.say('hoy');
    const replies = await chat.say('1234.50');
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('todavía no tiene factura');
    expect(chat.context.mode).toBe('invoice');
    expect(chat.state).toBe('askRfc');
  });
});

describe('issueInvoice outcomes', () => {
  it('says kindly that stamping is delayed', async () => {
    const chat = new Chat();
    await reachSummary(chat, { nombre: 'Cola Larga' });
    const replies = await chat.tap('confirm');
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('en cuanto quede lista te envío');
    expect(chat.state).toBe('done');
  });

  it('offers to re-send when the ticket was already invoiced', async () => {
    const chat = new Chat();
    await reachSummary(chat, { nombre: 'Ticket Repetido' });
    const replies = await chat.tap('confirm');
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('folio *A-9*');
    expect(chat.state).toBe('offerResend');
  });

  it.each([
    ['NOMBRE', 'askNombre', 'nombre'],
    ['CP', 'askCodigoPostal', 'código postal'],
    ['REGIMEN', 'askRegimen', 'régimen fiscal'],
    ['USO', 'askUso', 'uso CFDI'],
    ['RFC', 'askRfc', 'RFC'],
  ])('asks again for the field the PAC rejected (%s)', async (field, state, hint) => {
    const chat = new Chat();
    await reachSummary(chat, { nombre: `Rechazo ${field}` });
    const replies = await chat.tap('confirm');
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('CFDI40145');
    expect(texts(replies)).toContain(`Revisemos ${field === 'USO' ? 'el' : 'tu'} ${hint}`);
    expect(chat.state).toBe(state);
    expect(chat.context.editing).toBe(true);
  });

  it('comes back to the summary after fixing a rejected name', async () => {
    const chat = new Chat();
    await reachSummary(chat, { nombre: 'Rechazo Nombre' });
    await chat.tap('confirm');
    expectAsks(chat, await chat.say('Diego Gómez'));
    expect(chat.state).toBe('summary');
    await chat.tap('confirm');
    expect(chat.calls.issueInvoice.map((c) => c.receptor.nombre)).toEqual(['RECHAZO NOMBRE', 'DIEGO GÓMEZ']);
    expect(chat.state).toBe('done');
  });

  it('shows the summary again for a rejection without a field, or an issuing failure', async () => {
    for (const nombre of ['Rechazo Otro', 'Falla Total']) {
      const chat = new Chat();
      await reachSummary(chat, { nombre });
      const replies = await chat.tap('confirm');
      expectAsks(chat, replies);
      expect(chat.state).toBe('summary');
      expect(replies[0]?.text).toMatch(/^Generando/u);
    }
  });
});

describe('fiscal data checks', () => {
  async function atRfc(): Promise<Chat> {
    const chat = await atTotal();
    await chat.say('1234.50');
    return chat;
  }

  it.each([
    ['XAXX010101000', /público en general/u],
    ['XEXX010101000', /público en general/u],
    ['GODE561231GR9', /dígito verificador/u],
    ['GODE560231GR8', /fecha real/u],
    ['hola', /no parece un RFC/u],
  ])('refuses the RFC %s with a reason', async (rfc, reason) => {
    const chat = await atRfc();
    const replies = await chat.say(rfc);
    expectAsks(chat, replies);
    expect(texts(replies)).toMatch(reason);
    expect(chat.state).toBe('askRfc');
  });

  it('asks again after a failing customer look-up', async () => {
    const chat = await atRfc();
    const replies = await chat.say(RFCS.lookupFails);
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('tuvimos un problema');
    expect(chat.state).toBe('askRfc');
  });

  it('warns about a régimen de capital in the name and accepts either form', async () => {
    const strip = await atRfc();
    await strip.say('GODE561231GR8');
    const warn = await strip.say('Acme Soluciones, S.A. de C.V.');
    expectAsks(strip, warn);
    expect(strip.state).toBe('confirmNombre');
    expect(texts(warn)).toContain('«ACME SOLUCIONES»');
    await strip.tap('nombre:strip');
    expect(strip.context.receptor.nombre).toBe('ACME SOLUCIONES');

    const keep = await atRfc();
    await keep.say('GODE561231GR8');
    await keep.say('ACME SA DE CV');
    expectAsks(keep, await keep.say('sí'));
    expect(keep.state).toBe('confirmNombre');
    await keep.tap('nombre:keep');
    expect(keep.context.receptor.nombre).toBe('ACME SA DE CV');
    expect(keep.state).toBe('askCodigoPostal');
  });

  it('refuses an unknown postal code, a régimen of the other persona type and a uso SAT does not allow', async () => {
    const chat = await atRfc();
    await chat.say(RFCS.fisica);
    await chat.say('Diego Gómez');
    const cp = await chat.say('00000');
    expectAsks(chat, cp);
    expect(texts(cp)).toContain('No encuentro el código postal 00000');
    await chat.say('06600');
    const regimen = await chat.say('601');
    expectAsks(chat, regimen);
    expect(texts(regimen)).toContain('no aplica para personas físicas');
    await chat.tap('regimen:605');
    const uso = await chat.say('G03');
    expectAsks(chat, uso);
    expect(texts(uso)).toContain('no está permitido para el régimen 605');
    await chat.say('d01');
    const email = await chat.say('diego@');
    expectAsks(chat, email);
    expect(chat.state).toBe('askEmail');
    await chat.say('omitir');
    expect(chat.state).toBe('summary');
    expect(chat.context.receptor).toMatchObject({ regimenFiscal: '605', usoCfdi: 'D01', email: null });
  });
});
