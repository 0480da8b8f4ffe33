import { describe, expect, it } from 'vitest';
import { type SwResponse, splitSwMessage, swFailure } from '../../../src/invoicing/pac/sw-client.ts';

describe('splitSwMessage', () => {
  it.each([
    ['307. El comprobante contiene un timbre previo.', '307', 'El comprobante contiene un timbre previo.'],
    [
      'AU2000 - El usuario y/o contraseña son inválidos.',
      'AU2000',
      'El usuario y/o contraseña son inválidos.',
    ],
    [
      'CFDI40102 - El resultado de la digestión debe ser igual.',
      'CFDI40102',
      'El resultado de la digestión debe ser igual.',
    ],
    ['CACFDI33 - Problemas con los campos.', 'CACFDI33', 'Problemas con los campos.'],
    [
      '301 - La estructura del comprobante es incorrecta.',
      '301',
      'La estructura del comprobante es incorrecta.',
    ],
    ['Algo salió mal', '', 'Algo salió mal'],
    [null, '', ''],
  ])('%s', (message, code, text) => {
    expect(splitSwMessage(message)).toEqual({ code, text });
  });
});

describe('swFailure', () => {
  const answer = (httpStatus: number, message?: string, messageDetail?: string): SwResponse => {
    const body =
      message === undefined ? null : { status: 'error', message, messageDetail: messageDetail ?? null };
    return { httpStatus, body, text: body ? JSON.stringify(body) : '<html/>' };
  };

  it.each([
    [answer(400, 'CFDI40108 - El campo TipoDeComprobante no es válido.'), 'validation', 'CFDI40108', false],
    [
      answer(400, '305 - La fecha de emisión no está dentro de la vigencia del CSD.'),
      'validation',
      '305',
      false,
    ],
    [answer(400, 'AU2000 - El usuario y/o contraseña son inválidos.'), 'auth', 'AU2000', false],
    [answer(401, 'Token inválido'), 'auth', '401', false],
    [answer(500, 'CO1000 - Error no controlado.'), 'unavailable', 'CO1000', true],
    [answer(400, 'CO1000 - Error no controlado.'), 'unavailable', 'CO1000', true],
    [answer(502), 'unavailable', '502', true],
    [answer(429, 'Too many requests'), 'unavailable', '429', true],
    [answer(404), 'config', '404', false],
    [answer(400), 'protocol', 'BAD_RESPONSE', true],
  ] as const)('%j -> %s %s retryable=%s', (response, kind, code, retryable) => {
    expect(swFailure(response)).toMatchObject({ kind, code, retryable, httpStatus: response.httpStatus });
  });

  it('keeps the whole PAC message and its detail', () => {
    const error = swFailure(answer(400, '302 - Sello mal formado o inválido.', 'El sello no corresponde.'));
    expect(error.pacMessage).toBe('302 - Sello mal formado o inválido.');
    expect(error.detail).toBe('El sello no corresponde.');
    expect(error.message).toContain('SW rejected the request');
  });
});
