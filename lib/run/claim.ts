/**
 * A claim on a run folder, so that two sweeps started at once on the same
 * results folder never train the same run together.
 *
 * The claim is a file `<run>/claim.json` created with `createNew` (atomic on
 * local file systems): `{ pid, host, time }`. The holder touches it every
 * 30 s. A claim is stale when its process is gone: on this host, when the pid
 * no longer exists; from another host (a shared disk), when it has not been
 * touched for 10 minutes. A stale claim is taken over by renaming it away
 * first, so two processes that both find it stale cannot both win.
 *
 * @module
 */

/** What a claim file holds. */
export interface ClaimInfo {
  pid: number;
  host: string;
  /** ISO time the claim was made. */
  time: string;
}

/** A held claim; `release()` removes the file and stops the heartbeat. */
export interface Claim {
  path: string;
  info: ClaimInfo;
  release(): Promise<void>;
}

const FILE = "claim.json";
const HEARTBEAT_MS = 30_000;
/** How old another host's claim must be before it counts as abandoned. */
export const REMOTE_STALE_MS = 10 * 60_000;

/** Whether process `pid` exists on this host (signal 0 checks without signalling). */
export function pidAlive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return !(e instanceof Deno.errors.NotFound);
  }
}

/** Whether a claim was left by a process that is gone. */
export function claimIsStale(info: ClaimInfo, touched: Date, now = new Date()): boolean {
  if (info.host === Deno.hostname()) return !pidAlive(info.pid);
  return now.getTime() - touched.getTime() > REMOTE_STALE_MS;
}

/** Reads the claim on a run folder, or undefined when there is none (or it is torn). */
export async function readClaim(
  dir: string,
): Promise<{ info: ClaimInfo; touched: Date } | undefined> {
  const path = `${dir}/${FILE}`;
  try {
    const [text, stat] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return { info: JSON.parse(text) as ClaimInfo, touched: stat.mtime ?? new Date(0) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    // Written but not yet filled by its creator: treat as held and fresh.
    if (e instanceof SyntaxError) {
      return { info: { pid: -1, host: "", time: "" }, touched: new Date() };
    }
    throw e;
  }
}

async function create(path: string, info: ClaimInfo): Promise<boolean> {
  let f: Deno.FsFile;
  try {
    f = await Deno.open(path, { write: true, createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  }
  try {
    await f.write(new TextEncoder().encode(JSON.stringify(info)));
  } finally {
    f.close();
  }
  return true;
}

/**
 * Moves a stale claim aside. Returns false when the file moved was not the one
 * judged stale (another process replaced it meanwhile); it is then put back.
 */
async function removeStale(path: string, stale: ClaimInfo): Promise<boolean> {
  const aside = `${path}.stale-${Deno.pid}-${Date.now()}`;
  try {
    await Deno.rename(path, aside);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  }
  const moved = JSON.parse(await Deno.readTextFile(aside).catch(() => "{}")) as ClaimInfo;
  const same = moved.pid === stale.pid && moved.host === stale.host && moved.time === stale.time;
  // A fresh claim moved by mistake goes back, unless a third process claimed in between.
  if (!same) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside);
  return same;
}

/**
 * Claims run folder `dir` (created if needed) for this process. Returns
 * undefined when a live process holds it.
 */
export async function tryClaim(dir: string): Promise<Claim | undefined> {
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${FILE}`;
  const info: ClaimInfo = { pid: Deno.pid, host: Deno.hostname(), time: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await create(path, info)) {
      const beat = setInterval(() => {
        const now = new Date();
        Deno.utime(path, now, now).catch(() => {});
      }, HEARTBEAT_MS);
      Deno.unrefTimer(beat);
      return {
        path,
        info,
        async release() {
          clearInterval(beat);
          await Deno.remove(path).catch(() => {});
        },
      };
    }
    const held = await readClaim(dir);
    if (held && !claimIsStale(held.info, held.touched)) return undefined;
    if (held && !(await removeStale(path, held.info))) return undefined;
  }
  return undefined;
}
