/**
 * Brand logos arrive as base64 text; only PNG and JPEG up to 256 KB are kept, recognised by their
 * first bytes rather than by what the client claims.
 */

export const MAX_LOGO_BYTES = 256 * 1024;

/** Decodes a base64 (or `data:image/...;base64,`) logo; returns the bytes and MIME type or why not. */
export function decodeLogo(
  text: string,
): { data: Buffer; mime: 'image/png' | 'image/jpeg' } | { problem: string } {
  const body = text.replace(/^data:image\/[a-z+.-]+;base64,/iu, '').replace(/\s+/gu, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(body) || body.length === 0) return { problem: 'not base64 data' };
  const data = Buffer.from(body, 'base64');
  if (data.length > MAX_LOGO_BYTES) return { problem: `larger than ${MAX_LOGO_BYTES / 1024} KB` };
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { data, mime: 'image/png' };
  }
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return { data, mime: 'image/jpeg' };
  return { problem: 'not a PNG or JPEG image' };
}
