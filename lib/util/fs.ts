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
