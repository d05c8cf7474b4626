/**
 * Files the WeChat adapter keeps (the login session, pending re-link codes) are private to the
 * bot's user: directories 0700, files 0600, whatever the umask. Wechaty's memory card writes its
 * file with `fs.writeFile`, which keeps the mode of a file that already exists, so the session file
 * is created empty (0600) before Wechaty first writes it, and its mode is repaired if it was not.
 */
import { chmod, mkdir, open, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Mode of every directory the adapter creates. */
const PRIVATE_DIR_MODE = 0o700;
/** Mode of every file the adapter writes. */
const PRIVATE_FILE_MODE = 0o600;

/** The sticky bit: a folder shared by every user (`/tmp`), never the bot's own. */
const SHARED_DIR_BIT = 0o1000;

/**
 * Creates `dir` (and its parents) 0700; tightens it to 0700 when it exists with more, unless it is
 * a shared sticky folder such as `/tmp` (a session file put straight in it must not lock every
 * other user out of `/tmp`).
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const { mode } = await stat(dir);
  if ((mode & SHARED_DIR_BIT) !== 0) return;
  if ((mode & 0o077) !== 0) await chmod(dir, mode & ~0o077 & 0o777);
}

/** Makes sure `file` exists with mode 0600; a new one gets `initial` (`{}` is a blank memory card). */
export async function ensurePrivateFile(file: string, initial: string): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  try {
    const handle = await open(file, 'wx', PRIVATE_FILE_MODE);
    await handle.writeFile(initial);
    await handle.close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  await chmod(file, PRIVATE_FILE_MODE);
}

/** Writes `text` to `file` atomically (a 0600 temporary file renamed over it). */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: PRIVATE_FILE_MODE });
  await chmod(temp, PRIVATE_FILE_MODE);
  await rename(temp, file);
}
