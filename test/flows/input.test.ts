import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../flows/context.ts';
import {
  choiceOf,
  codeAfterCommand,
  commandOf,
  isNo,
  isYes,
  scannedCodeOf,
  scannedDateOf,
  scanOf,
  textOf,
  typedCodeOf,
} from '../../flows/input.ts';
import { TicketCode } from '../../src/sat/code.ts';
import { CODES, NOW } from './harness.ts';

const msg = (fields: Partial<MessageEvent>): MessageEvent => ({ type: 'message', now: NOW, ...fields });
const text = (t: string) => msg({ text: t });

describe('commands', () => {
  it.each([
    ['cancelar', 'cancel'],
    ['Cancelar.', 'cancel'],
    ['/cancel', 'cancel'],
    ['/cancel@AutofacturaBot', 'cancel'],
    ['ayuda', 'help'],
    ['/help', 'help'],
    ['?', 'help'],
    ['atrás', 'back'],
    ['ATRAS', 'back'],
    ['regresar', 'back'],
    ['reenviar', 'resend'],
    ['reenviar 7KQ2-M9XD-4HPE', 'resend'],
    ['Reenviar mi factura', 'resend'],
    ['/start', 'start'],
    ['/start 7KQ2M9XD4HPE', 'start'],
  ])('%j is %s', (t, command) => {
    expect(commandOf(text(t))).toBe(command);
  });

  it.each([['Ayuda Pérez'], ['cancelar la factura de ayer'], ['hola'], [''], ['start']])(
    '%j is no command',
    (t) => {
      expect(commandOf(text(t))).toBeNull();
    },
  );

  it('reads command choices and ignores other choices', () => {
    expect(commandOf(msg({ choice: 'cancel' }))).toBe('cancel');
    expect(commandOf(msg({ choice: 'help' }))).toBe('help');
    expect(commandOf(msg({ choice: 'regimen:601', text: 'cancelar' }))).toBeNull();
  });

  it('finds the code after reenviar or /start', () => {
    expect(codeAfterCommand(text('reenviar 7kq2 m9xd 4hpe'))).toBe(CODES.main);
    expect(codeAfterCommand(text('/start 7KQ2M9XD4HPE'))).toBe(CODES.main);
    expect(codeAfterCommand(text('reenviar'))).toBeNull();
  });
});

describe('yes and no', () => {
  it.each([['sí'], ['Si'], ['SÍ!'], ['ok'], ['claro'], ['Sí, es correcto']])('%j is yes', (t) => {
    expect(isYes(text(t))).toBe(true);
    expect(isNo(text(t))).toBe(false);
  });

  it.each([['no'], ['No.'], ['NO'], ['no es correcto']])('%j is no', (t) => {
    expect(isNo(text(t))).toBe(true);
    expect(isYes(text(t))).toBe(false);
  });

  it('prefers the tapped choice over the text', () => {
    expect(isYes(msg({ choice: 'yes', text: 'no' }))).toBe(true);
    expect(isYes(msg({ choice: 'no', text: 'sí' }))).toBe(false);
  });
});

describe('ticket codes', () => {
  it.each([
    ['7KQ2-M9XD-4HPE'],
    ['7kq2 m9xd 4hpe'],
    ['7KQ2M9XD4HPE'],
    ['mi código es 7KQ2-M9XD-4HPE gracias'],
    ['https://factura.example.mx/t/7KQ2M9XD4HPE'],
    ['https://t.me/AutofacturaBot?start=7KQ2M9XD4HPE'],
    ['/start 7KQ2M9XD4HPE'],
    ['7KQ2_M9XD_4HPE'],
  ])('%j holds the code', (t) => {
    expect(typedCodeOf(text(t))).toBe(CODES.main);
  });

  it('finds any code after a word such as "ticket", whatever letters end that word', () => {
    for (let n = 0; n < 300; n++) {
      const code = TicketCode.generate().toString();
      expect(typedCodeOf(text(`Quiero facturar mi ticket ${code} por favor`))).toBe(code);
      expect(typedCodeOf(text(`folio ${code.replace(/-/gu, ' ')}`))).toBe(code);
    }
  });

  it.each([['7KQ2-M9XD-4HPA'], ['hola'], [''], ['x'.repeat(600)]])('%j holds none', (t) => {
    expect(typedCodeOf(text(t))).toBeNull();
  });

  it.each([['7 kq2m9 xd4hpe'], [' 7KQ2 M9XD4HPE '], ['7KQ2M9XD 4HPE'], ['código: 7KQ2M9XD-4HPE.']])(
    '%j holds the code too',
    (t) => {
      expect(typedCodeOf(text(t))).toBe(CODES.main);
    },
  );

  it.each([
    ['ayer de compra'],
    ['esto ayer de tardes'],
    ['lo gracias código me el'],
    ['ayer esto hoy favor tardes'],
  ])('%j is a sentence, not a code (though TicketCode.findIn finds one)', (t) => {
    expect(TicketCode.findIn(t)).not.toBeNull();
    expect(typedCodeOf(text(t))).toBeNull();
  });
});

describe('defensive reading', () => {
  it('treats texts beyond 2000 characters as empty and strips control characters', () => {
    expect(textOf(text('a'.repeat(2001)))).toBe('');
    expect(textOf(text('a\u0000b\u200bc'))).toBe('a b c');
  });

  it('ignores fields of the wrong type', () => {
    const odd = {
      type: 'message',
      now: NOW,
      text: 42,
      choice: { id: 'yes' },
      scan: 'qr',
    } as unknown as MessageEvent;
    expect(textOf(odd)).toBe('');
    expect(choiceOf(odd)).toBeNull();
    expect(scanOf(odd)).toBeNull();
  });

  it('counts a photo without a scan as a scan that found nothing', () => {
    expect(scanOf(msg({ hasImage: true }))).toEqual({ code: null, date: null, total: null, via: 'none' });
  });

  it('reads scans: checked code, real non-future date', () => {
    const scan = {
      code: CODES.main.toLowerCase(),
      date: '2026-11-24',
      total: '1,234.50',
      via: 'qr' as const,
    };
    expect(scannedCodeOf(msg({ scan }))).toBe(CODES.main);
    expect(scannedDateOf(msg({ scan }))).toBe('2026-11-24');
    expect(scannedDateOf(msg({ scan: { ...scan, date: '2030-01-01' } }))).toBeNull();
    expect(scannedCodeOf(msg({ scan: { ...scan, code: '7KQ2-M9XD-4HPA' } }))).toBeNull();
  });
});
