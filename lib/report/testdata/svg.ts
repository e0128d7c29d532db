/**
 * Counting what Vega drew: items of each data mark (`role-mark` groups) in a
 * rendered SVG, so tests can check a figure shows the rows it should.
 *
 * @module
 */

/** Items (path, line, text elements) drawn by data marks of `type` ("symbol", "rect", ...). */
export function countMarks(svg: string, type: string): number {
  let n = 0;
  const open = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>`, "g");
  for (const m of svg.matchAll(open)) {
    const start = m.index! + m[0].length;
    const body = svg.slice(start, svg.indexOf("</g>", start));
    n += body.match(/<(path|line|text)\b/g)?.length ?? 0;
  }
  return n;
}

/** Labels in the figure's legends (0 when a legend went missing). */
export function countLegendLabels(svg: string): number {
  return countMarks(svg.replaceAll("role-legend-label", "role-mark"), "text") -
    countMarks(svg, "text");
}
