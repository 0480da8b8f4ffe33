import { describe, expect, it } from 'vitest';
import { FLOW_VERSION, invoicingMachine } from '../../flows/invoicing.ts';
import { Chat, CODES, compact, expectAsks, RFCS, reachSummary, texts } from './harness.ts';

describe('invoicing conversation: the main paths', () => {
  it('exports a version and a machine whose first snapshot waits for the customer', () => {
    expect(typeof FLOW_VERSION).toBe('number');
    const chat = new Chat();
    expect(chat.state).toBe('idle');
    expect(chat.snapshot.hasTag('awaiting')).toBe(true);
    expect(invoicingMachine.id).toBe('invoicing');
  });

  it('goes from a typed code to the PDF and XML', async () => {
    const chat = new Chat();
    const steps: [string, string][] = [];
    const send = async (text: string) => {
      const replies = await chat.say(text);
      expectAsks(chat, replies);
      steps.push([text, chat.state]);
      return replies;
    };
    expect(texts(await send('hola'))).toContain('¡Hola!');
    await send('7kq2 m9xd 4hpe');
    await send('24/11/2026');
    expect(texts(await send('$1,234.50'))).toContain('Tacos El Güero');
    await send(RFCS.fisica);
    await send('Diego Gómez Díaz');
    await send('06600');
    expect(chat.currentQuestion().choices?.map((c) => c.id)).not.toContain('regimen:601');
    await send('612');
    expect(chat.currentQuestion().choices?.[0]?.id).toBe('uso:G03');
    await send('G03');
    const summary = await send('diego@example.com');
    expect(texts(summary)).toMatch(
      /Total: \$1,234\.50[\s\S]*RFC: GODE561231GR8[\s\S]*DIEGO GÓMEZ DÍAZ[\s\S]*06600/u,
    );
    expect(texts(summary)).toMatch(
      /612 Actividades Empresariales[\s\S]*G03 Gastos en general[\s\S]*diego@example\.com/u,
    );

    const issued = await send('sí');
    expect(issued[0]?.text).toMatch(/^Generando tu factura/u);
    expect(texts(issued)).toContain('A-123');
    expect(texts(issued)).toContain('6F1C2B8E-1234-4ABC-9DEF-0123456789AB');
    expect(texts(issued)).toContain('diego@example.com');
    expect(issued.flatMap((r) => r.files ?? []).map((f) => f.name)).toEqual(['factura.pdf', 'factura.xml']);
    expect(chat.state).toBe('done');
    expect(chat.currentQuestion().text).toContain('otro ticket');

    expect(steps.map(([, state]) => state)).toEqual([
      'askCode',
      'askDate',
      'askTotal',
      'askRfc',
      'askNombre',
      'askCodigoPostal',
      'askRegimen',
      'askUso',
      'askEmail',
      'summary',
      'done',
    ]);
    expect(chat.calls.validateTicket).toEqual([
      { code: CODES.main, date: '2026-11-24', total: '1234.50', channel: 'telegram', chatId: 'chat-1' },
    ]);
    expect(chat.calls.lookupCustomer).toEqual([{ ticketCode: compact(CODES.main), rfc: RFCS.fisica }]);
    expect(chat.calls.issueInvoice).toEqual([
      {
        ticketCode: compact(CODES.main),
        receptor: {
          rfc: RFCS.fisica,
          nombre: 'DIEGO GÓMEZ DÍAZ',
          codigoPostal: '06600',
          regimenFiscal: '612',
          usoCfdi: 'G03',
          email: 'diego@example.com',
        },
        channel: 'telegram',
        chatId: 'chat-1',
      },
    ]);
    // Files were emitted, never stored: the persisted snapshot is small and has no file in it.
    const stored = JSON.stringify(chat.actor.getPersistedSnapshot());
    expect(stored).not.toContain('factura.pdf');
    expect(stored.length).toBeLessThan(4000);
  });

  it('has "Generando tu factura…" out before the runtime sees the busy snapshot (so it can flush it)', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    const seen: string[] = [];
    const emitted: string[] = [];
    chat.actor.on('reply', ({ reply }) => emitted.push(reply.text));
    const sub = chat.actor.subscribe((s) => {
      if (s.hasTag('busy')) seen.push(`${String(s.value)}:${emitted.join('|')}`);
    });
    await chat.tap('confirm');
    sub.unsubscribe();
    expect(seen[0]).toMatch(/^issuing:Generando tu factura/u);
  });

  it('offers another ticket after an invoice, or says goodbye', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    await chat.tap('confirm');
    const again = await chat.tap('another');
    expectAsks(chat, again);
    expect(chat.state).toBe('askCode');
    expect(chat.context.ticket).toBeNull();

    const other = new Chat();
    await reachSummary(other);
    await other.tap('confirm');
    const bye = await other.tap('finish');
    expect(other.state).toBe('idle');
    expect(texts(bye)).toContain('¡Gracias!');
    const next = await other.say(CODES.other);
    expect(texts(next)).toContain('¡Hola!');
    expect(other.context.code).toBe(CODES.other);
  });

  it('accepts a new code directly after an invoice', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    await chat.tap('confirm');
    expectAsks(chat, await chat.say(CODES.other));
    expect(chat.state).toBe('askDate');
    expect(chat.context).toMatchObject({ code: CODES.other, receptor: { rfc: null } });
  });

  it.each([
    ['/start 7KQ2M9XD4HPE'],
    ['https://factura.example.mx/t/7KQ2-M9XD-4HPE'],
    ['Hola, quiero facturar 7kq2m9xd4hpe'],
  ])('starts with the code given in the first message %j', async (first) => {
    const chat = new Chat();
    const replies = await chat.say(first);
    expect(replies[0]?.text).toContain('¡Hola!');
    expectAsks(chat, replies);
    expect(chat.state).toBe('askDate');
    expect(chat.context.code).toBe(CODES.main);
  });

  it('uses a known RFC: shows the stored data, then the summary', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('ayer');
    await chat.say('1234.50');
    const known = await chat.say(RFCS.known.toLowerCase());
    expectAsks(chat, known);
    expect(chat.state).toBe('knownCustomer');
    expect(texts(known)).toMatch(/ESCUELA KEMPER URGATE[\s\S]*42501[\s\S]*601 General de Ley[\s\S]*G03/u);
    const summary = await chat.tap('known:use');
    expectAsks(chat, summary);
    expect(chat.state).toBe('summary');
    expect(texts(summary)).toContain('pagos@kemper.mx');
    await chat.tap('confirm');
    expect(chat.calls.issueInvoice[0]?.receptor).toEqual({
      rfc: RFCS.known,
      nombre: 'ESCUELA KEMPER URGATE',
      codigoPostal: '42501',
      regimenFiscal: '601',
      usoCfdi: 'G03',
      email: 'pagos@kemper.mx',
    });
  });

  it('changes one field of a known customer and goes to the summary', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('hoy');
    await chat.say('1234.50');
    await chat.say(RFCS.known);
    expectAsks(chat, await chat.tap('edit:codigoPostal'));
    expect(chat.state).toBe('askCodigoPostal');
    expectAsks(chat, await chat.say('64000'));
    expect(chat.state).toBe('summary');
    expect(chat.context.receptor).toMatchObject({ codigoPostal: '64000', nombre: 'ESCUELA KEMPER URGATE' });
  });

  it('asks only what a stored customer is missing', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('hoy');
    await chat.say('1234.50');
    expectAsks(chat, await chat.say(RFCS.partial));
    expect(chat.state).toBe('askUso');
    expect(chat.currentQuestion().choices?.map((c) => c.id)).not.toContain('uso:G03');
    expectAsks(chat, await chat.tap('uso:D01'));
    expect(chat.state).toBe('summary');
  });

  it("offers the chat's last RFC first", async () => {
    const chat = new Chat({ chatId: 'recall' });
    await chat.say(CODES.main);
    await chat.say('hoy');
    const offer = await chat.say('1234.50');
    expectAsks(chat, offer);
    expect(chat.state).toBe('offerRecalledRfc');
    expect(offer.at(-1)?.choices?.[0]).toEqual({ id: 'rfc:recalled', label: `Sí, ${RFCS.recalled}` });
    expectAsks(chat, await chat.tap('rfc:recalled'));
    expect(chat.calls.lookupCustomer).toEqual([{ ticketCode: compact(CODES.main), rfc: RFCS.recalled }]);
    expect(chat.state).toBe('askNombre');
  });

  it('lets the customer type another RFC instead of the recalled one', async () => {
    const chat = new Chat({ chatId: 'recall' });
    await chat.say(CODES.main);
    await chat.say('hoy');
    await chat.say('1234.50');
    expectAsks(chat, await chat.say(RFCS.known));
    expect(chat.state).toBe('knownCustomer');
    const other = new Chat({ chatId: 'recall' });
    await other.say(CODES.main);
    await other.say('hoy');
    await other.say('1234.50');
    expectAsks(other, await other.tap('rfc:other'));
    expect(other.state).toBe('askRfc');
  });

  it.each([['recall-generic'], ['recall-fails']])(
    'skips the recalled RFC offer for chat %s',
    async (chatId) => {
      const chat = new Chat({ chatId });
      await chat.say(CODES.main);
      await chat.say('hoy');
      const replies = await chat.say('1234.50');
      expectAsks(chat, replies);
      expect(chat.state).toBe('askRfc');
      expect(texts(replies)).not.toContain('problema');
    },
  );

  it('accepts a QR photo at once and offers its date and total for one tap', async () => {
    const chat = new Chat();
    const scan = {
      code: 'https://factura.example.mx/t/7KQ2M9XD4HPE',
      date: '24/11/2026',
      total: '$1,234.50',
      via: 'qr' as const,
    };
    const first = await chat.photo(scan);
    expectAsks(chat, first);
    expect(texts(first)).toContain(`Leí el código *${CODES.main}*`);
    expect(chat.state).toBe('askDate');
    expect(first.at(-1)?.choices).toEqual([{ id: 'use:date', label: 'Sí, 24 de noviembre de 2026' }]);
    const total = await chat.tap('use:date');
    expectAsks(chat, total);
    expect(total.at(-1)?.choices).toEqual([{ id: 'use:total', label: 'Sí, $1,234.50' }]);
    expectAsks(chat, await chat.tap('use:total'));
    expect(chat.state).toBe('askRfc');
    expect(chat.calls.validateTicket[0]).toMatchObject({
      code: CODES.main,
      date: '2026-11-24',
      total: '1234.50',
    });
  });

  it('still lets the customer type the date when the photo read a wrong one', async () => {
    const chat = new Chat();
    await chat.photo({ code: CODES.main, date: '2026-11-20', total: null, via: 'qr' });
    expectAsks(chat, await chat.say('22/11/2026'));
    expect(chat.context.date).toBe('2026-11-22');
    expect(chat.currentQuestion().choices).toBeUndefined();
  });

  it('confirms a code read by OCR before using it', async () => {
    const chat = new Chat();
    const ask = await chat.photo({ code: '7KQ2 M9XD 4HPE', date: null, total: null, via: 'ocr' });
    expectAsks(chat, ask);
    expect(chat.state).toBe('confirmOcrCode');
    expect(ask.at(-1)).toEqual({
      text: `Leí este código en tu foto: *${CODES.main}*. ¿Es correcto?`,
      choices: [
        { id: 'yes', label: 'Sí' },
        { id: 'no', label: 'No' },
      ],
    });
    expectAsks(chat, await chat.tap('yes'));
    expect(chat.state).toBe('askDate');
    expect(chat.context.code).toBe(CODES.main);

    const wrong = new Chat();
    await wrong.photo({ code: CODES.main, date: null, total: null, via: 'ocr' });
    expectAsks(wrong, await wrong.say('no'));
    expect(wrong.state).toBe('askCode');
    expect(wrong.context.code).toBeNull();
  });

  it('gives a photo tip when a photo shows no code', async () => {
    const chat = new Chat();
    await chat.say('hola');
    for (const scan of [{ code: null, date: null, total: null, via: 'none' as const }, undefined]) {
      const replies = await chat.photo(scan);
      expectAsks(chat, replies);
      expect(texts(replies)).toContain('Tip');
      expect(chat.state).toBe('askCode');
    }
    // A QR that is not one of our codes (e.g. a store URL) counts as nothing found.
    expectAsks(
      chat,
      await chat.photo({ code: 'https://tienda.example.mx', date: null, total: null, via: 'qr' }),
    );
    expect(chat.state).toBe('askCode');
  });

  it('reads "hoy" in Mexico City time, not UTC', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('hoy', { now: '2026-11-26T03:00:00Z' });
    expect(chat.context.date).toBe('2026-11-25');
  });
});
