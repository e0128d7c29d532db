/**
 * Run a command to completion and collect its output as text; a command that
 * cannot start (not installed) is a failed run, not a throw, so callers can
 * turn it into a clear "missing" message.
 *
 * @module
 */

/** The outcome of {@link runCommand}. */
export interface CommandResult {
  ok: boolean;
  out: string;
  err: string;
}

export async function runCommand(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  try {
    const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder();
    return { ok: out.success, out: text.decode(out.stdout), err: text.decode(out.stderr) };
  } catch (e) {
    return { ok: false, out: "", err: String(e) };
  }
}
