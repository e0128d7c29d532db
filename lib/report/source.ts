/**
 * The kit's own source, shown in notebooks as written: a method or function
 * read from its file under lib/, with its doc comment, comments and types,
 * and the file's line numbers (the running JavaScript has lost all three).
 *
 * @module
 */
import { type Displayable, displayable } from "./display.ts";

/** A listing: where it comes from and its numbered lines. */
export interface Listing {
  file: string;
  name: string;
  /** 1-based line in the file of the listing's first line. */
  firstLine: number;
  lines: string[];
}

/**
 * Finds `name` (a method, function or class member) in `file` (relative to
 * lib/, default the recursion's file) and returns it with the doc comment
 * above it, up to the line that closes it at its own indentation.
 */
export async function readSource(name: string, file = "model/trm.ts"): Promise<Listing> {
  const text = await Deno.readTextFile(new URL(`../${file}`, import.meta.url));
  const lines = text.split("\n");
  const head = new RegExp(
    `^(\\s*)(export )?(async )?(function\\*? |protected |override )*${name}[(<]`,
  );
  const start = lines.findIndex((l) => head.test(l));
  if (start === -1) throw new Error(`no method or function "${name}" in lib/${file}`);
  const indent = head.exec(lines[start]!)![1]!;
  let end = start;
  while (end < lines.length && lines[end] !== `${indent}}`) end++;
  let first = start;
  if (lines[first - 1]?.trim() === "*/") {
    while (first > 0 && !lines[first]!.trim().startsWith("/**")) first--;
  }
  const body = lines.slice(first, end + 1).map((l) =>
    l.startsWith(indent) ? l.slice(indent.length) : l
  );
  return { file: `lib/${file}`, name, firstLine: first + 1, lines: body };
}

/** A listing as Markdown: a TypeScript block with the file's line numbers in the margin. */
export function listingMarkdown(l: Listing): string {
  const width = String(l.firstLine + l.lines.length).length;
  const numbered = l.lines.map((s, i) => `${String(l.firstLine + i).padStart(width)}  ${s}`);
  return `\`${l.file}\`, lines ${l.firstLine}-${l.firstLine + l.lines.length - 1}:\n\n` +
    "```ts\n" + numbered.join("\n") + "\n```";
}

/** `name` from lib/`file`, ready to display in a notebook. */
export async function showSource(name: string, file = "model/trm.ts"): Promise<Displayable> {
  const md = listingMarkdown(await readSource(name, file));
  return displayable({ "text/markdown": md, "text/plain": md });
}
