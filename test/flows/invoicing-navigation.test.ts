import { describe, expect, it } from 'vitest';
import { Chat, CODES, expectAsks, RFCS, reachSummary, texts } from './harness.ts';

describe('atrás', () => {
  it('walks back one question at a time', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('24/11/2026');
    expect(chat.state).toBe('askTotal');
    expectAsks(chat, await chat.say('atrás'));
    expect(chat.state).toBe('askDate');
    expectAsks(chat, await chat.say('atras'));
    expect(chat.state).toBe('askCode');
    expect(chat.context.code).toBeNull();
    const none = await chat.say('atrás');
    expectAsks(chat, none);
    expect(texts(none)).toContain('no hay un paso anterior');
    expect(chat.state).toBe('askCode');
  });

  it('walks back through the fiscal questions', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    const expected = ['askEmail', 'askUso', 'askRegimen', 'askCodigoPostal', 'askNombre', 'askRfc', 'askRfc'];
    const seen: string[] = [];
    for (const _ of expected) {
      expectAsks(chat, await chat.tap('back'));
      seen.push(chat.state);
    }
    expect(seen).toEqual(expected);
  });

  it('from the summary of a known customer goes back to the stored data', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('hoy');
    await chat.say('1234.50');
    await chat.say(RFCS.known);
    await chat.tap('known:use');
    expectAsks(chat, await chat.say('atrás'));
    expect(chat.state).toBe('knownCustomer');
  });

  it('while changing a field returns to the summary without changes', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    await chat.tap('edit:nombre');
    expect(chat.currentQuestion().text).toContain('atrás* para volver al resumen');
    expectAsks(chat, await chat.say('atrás'));
    expect(chat.state).toBe('summary');
    expect(chat.context).toMatchObject({ editing: false, receptor: { nombre: 'DIEGO GÓMEZ' } });
  });

  it('goes back to the recalled RFC offer from the RFC question', async () => {
    const chat = new Chat({ chatId: 'recall' });
    await chat.say(CODES.main);
    await chat.say('hoy');
    await chat.say('1234.50');
    await chat.tap('rfc:other');
    expectAsks(chat, await chat.say('atrás'));
    expect(chat.state).toBe('offerRecalledRfc');
  });
});

describe('changing a field from the summary', () => {
  it.each([
    ['edit:codigoPostal', 'askCodigoPostal', '64000', { codigoPostal: '64000' }],
    ['edit:nombre', 'askNombre', 'Diego Gómez Díaz', { nombre: 'DIEGO GÓMEZ DÍAZ' }],
    ['edit:usoCfdi', 'askUso', 'I04', { usoCfdi: 'I04' }],
    ['edit:email', 'askEmail', 'd@example.com', { email: 'd@example.com' }],
    ['edit:regimenFiscal', 'askRegimen', '626', { regimenFiscal: '626', usoCfdi: 'G03' }],
  ])('%s asks only that field and comes back', async (edit, state, answer, changed) => {
    const chat = new Chat();
    await reachSummary(chat);
    expectAsks(chat, await chat.tap(edit));
    expect(chat.state).toBe(state);
    const back = await chat.say(answer);
    expectAsks(chat, back);
    expect(chat.state).toBe('summary');
    expect(chat.context.receptor).toMatchObject(changed);
    expect(chat.calls.issueInvoice).toHaveLength(0);
  });

  it('accepts typed "cambiar nombre"', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    expectAsks(chat, await chat.say('cambiar nombre'));
    expect(chat.state).toBe('askNombre');
  });

  it('re-checks régimen and uso when the RFC changes persona type', async () => {
    const chat = new Chat();
    await reachSummary(chat, { regimen: '612', uso: 'G03' });
    await chat.tap('edit:rfc');
    const recheck = await chat.say(RFCS.known);
    expectAsks(chat, recheck);
    expect(texts(recheck)).toContain('cambia el tipo de persona');
    expect(chat.state).toBe('askRegimen');
    expect(chat.currentQuestion().choices?.map((c) => c.id)).toContain('regimen:601');
    expect(chat.currentQuestion().choices?.map((c) => c.id)).not.toContain('regimen:612');
    // G03 is still allowed for 601, so no uso question: straight back to the summary.
    expectAsks(chat, await chat.tap('regimen:601'));
    expect(chat.state).toBe('summary');
    expect(chat.context.receptor).toMatchObject({ rfc: RFCS.known, regimenFiscal: '601', usoCfdi: 'G03' });
    expect(chat.calls.lookupCustomer).toHaveLength(1);
  });

  it('asks the uso again when the new régimen does not allow it', async () => {
    const chat = new Chat();
    await reachSummary(chat, { regimen: '612', uso: 'G03' });
    await chat.tap('edit:regimenFiscal');
    expectAsks(chat, await chat.tap('regimen:605'));
    expect(chat.state).toBe('askUso');
    expectAsks(chat, await chat.tap('uso:D10'));
    expect(chat.state).toBe('summary');
  });

  it('keeps the régimen when the new RFC is of the same persona type', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    await chat.tap('edit:rfc');
    expectAsks(chat, await chat.say(RFCS.recalled));
    expect(chat.state).toBe('summary');
    expect(chat.context.receptor).toMatchObject({ rfc: RFCS.recalled, regimenFiscal: '612' });
  });
});

describe('cancelar, ayuda, anything unexpected, expire', () => {
  it.each([['cancelar'], ['/cancel'], ['Cancelar']])('%j restarts from any step', async (word) => {
    const chat = new Chat();
    await reachSummary(chat);
    const replies = await chat.say(word);
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('cancelé');
    expect(chat.state).toBe('askCode');
    expect(chat.context).toMatchObject({ code: null, ticket: null, receptor: { rfc: null, nombre: null } });
  });

  it('cancels with the summary button', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    expectAsks(chat, await chat.tap('cancel'));
    expect(chat.state).toBe('askCode');
  });

  it.each([['ayuda'], ['/help']])('%j explains and repeats the current question', async (word) => {
    const chat = new Chat();
    await chat.say(CODES.main);
    const replies = await chat.say(word);
    expect(replies).toHaveLength(2);
    expect(texts(replies)).toContain('fecha impresa en el ticket');
    expectAsks(chat, replies);
    expect(chat.state).toBe('askDate');
  });

  it.each([
    ['askDate', 'mañana temprano', 'No reconocí esa fecha'],
    ['askDate', '30/11/2026', 'todavía no llega'],
    ['askDate', '31/02/2026', 'no existe en el calendario'],
    ['askTotal', 'mucho', 'No reconocí ese importe'],
  ])('in %s, %j repeats the question with an example', async (state, text, hint) => {
    const chat = new Chat();
    await chat.say(CODES.main);
    if (state === 'askTotal') await chat.say('hoy');
    const replies = await chat.say(text);
    expectAsks(chat, replies);
    expect(texts(replies)).toContain(hint);
    expect(replies.at(-1)?.text).toContain('ej.');
    expect(chat.state).toBe(state);
  });

  it('asks to pick an option when the answer to stored data is just "no"', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('hoy');
    await chat.say('1234.50');
    await chat.say(RFCS.known);
    const replies = await chat.say('no');
    expectAsks(chat, replies);
    expect(texts(replies)).toContain('Elige una de las opciones');
    expect(chat.state).toBe('knownCustomer');
  });

  it('says goodbye and resets when the idle deadline is reached', async () => {
    const chat = new Chat();
    await chat.say(CODES.main);
    await chat.say('hoy');
    const replies = await chat.send({ type: 'expire' });
    expect(replies).toHaveLength(1);
    expect(texts(replies)).toContain('inactividad');
    expect(chat.state).toBe('idle');
    expect(chat.context).toMatchObject({ code: null, date: null, step: 'idle' });
    expect(await chat.send({ type: 'expire' })).toEqual([]);
    expect(texts(await chat.say('hola'))).toContain('¡Hola!');
  });

  it('/start restarts with a greeting, with or without a code', async () => {
    const chat = new Chat();
    await reachSummary(chat);
    const plain = await chat.say('/start');
    expect(texts(plain)).toContain('¡Hola!');
    expectAsks(chat, plain);
    expect(chat.state).toBe('askCode');
    await chat.say(RFCS.fisica);
    const withCode = await chat.say(`/start ${CODES.other}`);
    expectAsks(chat, withCode);
    expect(chat.state).toBe('askDate');
    expect(chat.context.code).toBe(CODES.other);
  });
});
