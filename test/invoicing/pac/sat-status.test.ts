import { describe, expect, it } from 'vitest';
import { expresionImpresa, formatTotal, parseConsultaResult } from '../../../src/invoicing/pac/sat-status.ts';

/** A ConsultaResult the way SAT's WCF service writes it. */
function envelope(inner: string): string {
  return (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><ConsultaResponse xmlns="http://tempuri.org/">' +
    '<ConsultaResult xmlns:a="http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio" ' +
    `xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</ConsultaResult></ConsultaResponse></s:Body></s:Envelope>`
  );
}

describe('formatTotal (QR expression of CFDI 3.3/4.0)', () => {
  it.each([
    ['3248.00', '3248.0'],
    ['1', '1.0'],
    ['0.99', '0.99'],
    ['0.990', '0.99'],
    ['116.000000', '116.0'],
    ['1234567890123456.123456', '1234567890123456.123456'],
    ['0', '0.0'],
  ])('%s -> %s', (total, expected) => {
    expect(formatTotal(total)).toBe(expected);
  });

  it('rejects what is not a number', () => {
    expect(() => formatTotal('abc')).toThrow();
  });
});

describe('expresionImpresa', () => {
  it('joins re, rr, tt, id and the last 8 characters of the Sello', () => {
    const uuid = 'C2832671-DA6D-11EF-A83D-00155D012007';
    expect(
      expresionImpresa({ uuid, rfcEmisor: 'ISD950921HE5', rfcReceptor: 'COSC8001137NA', total: '580.00' }),
    ).toBe(`?re=ISD950921HE5&rr=COSC8001137NA&tt=580.0&id=${uuid}`);
    const sello =
      'WZzQVFmM/0E21+v4Th3K9K3a8yfN8TPwkarBsD28YUb6lTNo+Ol0i46CAKxlsfyGGWzYxF8maa5opggbZzS5RhNjeNw==';
    expect(expresionImpresa({ uuid, rfcEmisor: 'A', rfcReceptor: 'B', total: '1', fe: sello })).toBe(
      `?re=A&rr=B&tt=1.0&id=${uuid}&fe=hNjeNw==`,
    );
  });
});

describe('parseConsultaResult', () => {
  it('reads a Vigente answer with an empty EstatusCancelacion', () => {
    const xml = envelope(
      '<a:CodigoEstatus>S - Comprobante obtenido satisfactoriamente.</a:CodigoEstatus>' +
        '<a:EsCancelable>Cancelable con aceptación</a:EsCancelable><a:Estado>Vigente</a:Estado>' +
        '<a:EstatusCancelacion/><a:ValidacionEFOS>200</a:ValidacionEFOS>',
    );
    expect(parseConsultaResult(xml)).toEqual({
      estado: 'Vigente',
      esCancelable: 'Cancelable con aceptación',
    });
  });

  it('reads a Cancelado answer, decoding entities', () => {
    const xml = envelope(
      '<a:CodigoEstatus>S - Comprobante obtenido satisfactoriamente.</a:CodigoEstatus>' +
        '<a:EsCancelable>Cancelable sin aceptaci&#xF3;n</a:EsCancelable><a:Estado>Cancelado</a:Estado>' +
        '<a:EstatusCancelacion>Cancelado sin aceptación</a:EstatusCancelacion>',
    );
    expect(parseConsultaResult(xml)).toEqual({
      estado: 'Cancelado',
      esCancelable: 'Cancelable sin aceptación',
      estatusCancelacion: 'Cancelado sin aceptación',
    });
  });

  it('turns 602 into No Encontrado and 601 into a non-retryable PacError', () => {
    expect(
      parseConsultaResult(
        envelope(
          '<a:CodigoEstatus>N - 602: Comprobante no encontrado.</a:CodigoEstatus><a:Estado>No Encontrado</a:Estado>',
        ),
      ),
    ).toEqual({ estado: 'No Encontrado' });
    expect(() =>
      parseConsultaResult(
        envelope(
          '<a:CodigoEstatus>N - 601: La expresión impresa proporcionada no es válida.</a:CodigoEstatus>',
        ),
      ),
    ).toThrow(expect.objectContaining({ code: '601', retryable: false }));
  });

  it('refuses an answer it does not understand', () => {
    expect(() => parseConsultaResult('<html>Service Unavailable</html>')).toThrow(
      expect.objectContaining({ kind: 'protocol' }),
    );
  });
});
