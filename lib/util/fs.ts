/**
 * Small file-system helpers shared by loaders and runs.
 *
 * @module
 */

/** Whether `path` exists (file or folder). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes `bytes` to `path` atomically (temp file, fsync, rename): a killed
 * process leaves the old file or the new one, never a torn one. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    let written = 0;
    while (written < bytes.length) written += await f.write(bytes.subarray(written));
    await f.sync();
  } finally {
    f.close();
  }
  await Deno.rename(tmp, path);
}
