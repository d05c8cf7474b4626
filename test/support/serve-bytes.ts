/**
 * Writes a file's bytes to an HTTP response in 64 KB chunks, honouring backpressure, and counts
 * what was written, so a fake platform can show that a client stopped reading early (a download
 * refused by its size). Used by the fake DingTalk and WeCom file URLs.
 */
import type { ServerResponse } from 'node:http';

/** Streams `bytes` into `res` (headers already written) and ends it; `written.bytesWritten` grows as chunks go out. */
export function writeInChunks(res: ServerResponse, bytes: Buffer, written: { bytesWritten: number }): void {
  const step = 64 * 1024;
  const write = (at: number): void => {
    if (at >= bytes.length || res.destroyed) return void res.end();
    const chunk = bytes.subarray(at, at + step);
    written.bytesWritten += chunk.length;
    if (res.write(chunk)) write(at + step);
    else res.once('drain', () => write(at + step));
  };
  write(0);
}
