/**
 * Secrets at rest (CSD private keys and passwords, PAC and SMTP credentials): AES-256-GCM under
 * MASTER_KEY. Layout: version (1 byte) | IV (12) | auth tag (16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('MASTER_KEY must be 32 bytes');
  }

  seal(plaintext: Uint8Array | string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array): Buffer {
    const buf = Buffer.from(sealed);
    if (buf[0] !== VERSION || buf.length < 29) throw new Error('Unknown secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, buf.subarray(1, 13));
    decipher.setAuthTag(buf.subarray(13, 29));
    return Buffer.concat([decipher.update(buf.subarray(29)), decipher.final()]);
  }

  openText(sealed: Uint8Array): string {
    return this.open(sealed).toString('utf8');
  }
}
