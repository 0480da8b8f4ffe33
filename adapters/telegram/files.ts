/**
 * Downloads a file a person sent: `getFile` for its path, then the bytes from the Bot API's file
 * endpoint (`<apiRoot>/file/bot<token>/<file_path>`). The Bot API serves files up to 20 MB.
 */
import type { Api } from 'grammy';

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Why a file could not be read; the adapter tells the person, it never reaches the flow. */
export class TelegramFileError extends Error {
  private constructor(
    readonly code: 'too_large' | 'download_failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TelegramFileError';
  }

  static tooLarge(bytes: number, max: number): TelegramFileError {
    return new TelegramFileError('too_large', `file of ${bytes} bytes exceeds ${max}`);
  }

  static downloadFailed(reason: string, cause?: unknown): TelegramFileError {
    return new TelegramFileError('download_failed', `file download failed: ${reason}`, { cause });
  }
}

export type FileFetcher = (fileId: string, sizeHint?: number) => Promise<Uint8Array>;

export interface FileFetcherOptions {
  api: Api;
  token: string;
  apiRoot: string;
  maxBytes?: number;
  timeoutMs?: number;
}

/** Returns a function that reads a Telegram file id into bytes, refusing files over `maxBytes`. */
export function createFileFetcher(options: FileFetcherOptions): FileFetcher {
  const max = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const root = options.apiRoot.replace(/\/+$/u, '');
  return async (fileId, sizeHint) => {
    if (sizeHint !== undefined && sizeHint > max) throw TelegramFileError.tooLarge(sizeHint, max);
    const file = await options.api.getFile(fileId);
    if (file.file_size !== undefined && file.file_size > max)
      throw TelegramFileError.tooLarge(file.file_size, max);
    if (!file.file_path) throw TelegramFileError.downloadFailed('getFile returned no file_path');
    const path = file.file_path.split('/').map(encodeURIComponent).join('/');
    let res: Response;
    try {
      res = await fetch(`${root}/file/bot${options.token}/${path}`, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
    } catch (err) {
      throw TelegramFileError.downloadFailed('network error', err);
    }
    if (!res.ok) throw TelegramFileError.downloadFailed(`HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > max) throw TelegramFileError.tooLarge(declared, max);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > max) throw TelegramFileError.tooLarge(bytes.byteLength, max);
    return bytes;
  };
}
