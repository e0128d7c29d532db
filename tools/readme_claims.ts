/**
 * Puts the claims table that `deno task report` wrote
 * (results/tables/claims.md) into README.md, in place of the README's table
 * with the same header, and formats the README. tools/records.sh runs it; a
 * test (experiments/report_records_test.ts) checks the two agree.
 *
 *   deno run -A tools/readme_claims.ts
 *
 * @module
 */
const root = new URL("..", import.meta.url).pathname;
const HEADER = "| claim (paper Table 1-2)";

function tableAt(lines: string[], start: number): number {
  let end = start;
  while (end < lines.length && lines[end]!.startsWith("|")) end++;
  return end;
}

const claims = (await Deno.readTextFile(`${root}results/tables/claims.md`)).split("\n");
const from = claims.findIndex((l) => l.startsWith(HEADER));
if (from < 0) throw new Error(`results/tables/claims.md has no table headed "${HEADER}"`);
const table = claims.slice(from, tableAt(claims, from));

const readme = (await Deno.readTextFile(`${root}README.md`)).split("\n");
const at = readme.findIndex((l) => l.startsWith(HEADER));
if (at < 0) throw new Error(`README.md has no table headed "${HEADER}"`);
readme.splice(at, tableAt(readme, at) - at, ...table);
await Deno.writeTextFile(`${root}README.md`, readme.join("\n"));
const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", `${root}README.md`] })
  .output();
if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
console.log(`README.md: claims table replaced (${table.length - 2} rows)`);
