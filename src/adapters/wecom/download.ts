/**
 * Pictures and files people sent the WeCom bot, fetched on demand: a callback's image or file
 * carries a temporary `url` and an `aeskey`; the body at the URL is AES-256-CBC encrypted with it.
 * The url is the attachment's reference (stored on records and listed in exports); the key never
 * is: it is kept in memory (`FileKeys`) from the callback until the download. The body is read
 * under the byte cap (the SDK's own `downloadFile` buffers the whole body, so only its
 * `decryptFile` is used), then decrypted by the SDK.
 */
import { decryptFile } from '@wecom/aibot-node-sdk';
import { DownloadTooBigError, readAtMost, type Downloaded } from '../../bot/adapter.ts';

/** How long fetching one file may take. */
const DOWNLOAD_TIMEOUT_MS = 60_000;
/** The encrypted body is the file padded (PKCS#7) to a multiple of 32 bytes: at most this much longer. */
const PADDING_MAX = 32;

/** The keys of recently received files, by url; the oldest are forgotten past `max`. */
export class FileKeys {
  private readonly keys = new Map<string, string>();

  constructor(private readonly max = 5000) {}

  /** Remembers the key of a file received now. */
  remember(url: string, aesKey: string): void {
    this.keys.delete(url);
    this.keys.set(url, aesKey);
    while (this.keys.size > this.max) this.keys.delete(this.keys.keys().next().value!);
  }

  /** The key of a received file, if it is still known. */
  keyOf(url: string): string | undefined {
    return this.keys.get(url);
  }
}

/** The file name a Content-Disposition header gives (RFC 5987 `filename*=UTF-8''…` first), if any. */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1];
  if (!encoded) return undefined;
  try {
    return decodeURIComponent(encoded.trim());
  } catch {
    return encoded.trim();
  }
}

/**
 * Fetches and decrypts one file: refused by its content-length when that is over `maxBytes`
 * (plus padding), read no further than that otherwise, and refused when the decrypted file is
 * larger than `maxBytes`. Errors never carry the url or the key.
 */
export async function downloadEncrypted(url: string, aesKey: string, maxBytes: number): Promise<Downloaded> {
  // A network failure's error names the host, never the URL's query.
  const res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`WeCom file download answered HTTP ${res.status}`);
  }
  const length = Number(res.headers.get('content-length') ?? NaN);
  if (length > maxBytes + PADDING_MAX) {
    await res.body?.cancel();
    throw new DownloadTooBigError(length);
  }
  const encrypted = await readAtMost(res.body, maxBytes + PADDING_MAX);
  const bytes = decryptFile(Buffer.from(encrypted), aesKey);
  if (bytes.length > maxBytes) throw new DownloadTooBigError(bytes.length);
  const name = fileNameOf(res.headers.get('content-disposition'));
  return name ? { bytes, name } : { bytes };
}
