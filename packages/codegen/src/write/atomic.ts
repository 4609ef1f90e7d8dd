import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Atomic replacement of one file: the contents go to `.<name>.<pid>.<16 hex>.tmp` next to it,
 * which is then renamed over it, so a reader sees the old file or the new one, never half of one.
 * (Atomic against crashes of this process, not against power loss: there is no fsync.)
 */

const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{16}\.tmp$/;

export function tempName(name: string): string {
  // Short enough for a 255-byte file name limit whatever the length of `name`.
  return `.${name.slice(0, 100)}.${process.pid}.${randomBytes(8).toString('hex')}.tmp`;
}

/** Whether a file name follows the temporary file pattern of {@link tempName}. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/**
 * Whether a temporary file was left by a process that no longer runs (a crashed earlier write),
 * and so may be removed. Temporary files of running processes, this one included, are left alone.
 */
export function isLeftoverTemp(name: string): boolean {
  const match = TEMP_NAME.exec(name);
  if (match === null) return false;
  const pid = Number(match[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Writes `data` to `dir/name` through a temporary file in `dir`. The temporary file is created
 * exclusively (`wx`: never an existing file, never through a symbolic link) and removed again if
 * anything fails. `rename` replaces the directory entry itself, so it never writes through a link.
 */
export async function writeAtomic(dir: string, name: string, data: Uint8Array): Promise<void> {
  const temp = path.join(dir, tempName(name));
  let created = false;
  try {
    const handle = await open(temp, 'wx', 0o666);
    created = true;
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    await rename(temp, path.join(dir, name));
  } catch (error) {
    if (created) await unlink(temp).catch(() => undefined);
    throw error;
  }
}
