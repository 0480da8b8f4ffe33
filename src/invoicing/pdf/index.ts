/** The PDF representación impresa of a CFDI 4.0. */

export { type Cfdi, CfdiReadError, readCfdi } from './read-cfdi.ts';
export { type PdfBranding, type RenderPdfOptions, renderPdf } from './render.ts';
export { formatQrTotal, tfdCadenaOriginal, verificationUrl } from './verification.ts';
