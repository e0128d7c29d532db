/**
 * What every figure spec shares: schema, fonts, title layout, and the
 * mean ± std bands computed before plotting (so the specs carry few rows).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";

/** An installed font; resvg gets the same one (render.ts). */
export const FONT = "DejaVu Sans";

/** A Vega-Lite spec as returned by this module. */
export type Figure = TopLevelSpec & { title: { text: string; subtitle?: string[] } };

export type Row = Record<string, string | number | boolean | null>;

/**
 * Schema, title and fonts. Subtitle lines stay short: without a canvas, Vega
 * estimates text widths generously and a long line widens the whole figure.
 */
export function base(text: string, ...subtitle: string[]) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text, ...(subtitle.length ? { subtitle } : {}) },
    config: {
      font: FONT,
      title: {
        anchor: "start" as const,
        fontSize: 14,
        subtitleFontSize: 11,
        subtitleColor: "#555",
      },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
    },
  };
}

/** Mean and ± std (sample std over seeds; 0 for one seed) of `value` per `by` group. */
export function bands<T extends object>(
  items: T[],
  by: (t: T) => string,
  value: (t: T) => number,
): { key: string; first: T; mean: number; lo: number; hi: number; n: number }[] {
  const groups = new Map<string, T[]>();
  for (const t of items) groups.set(by(t), [...(groups.get(by(t)) ?? []), t]);
  return [...groups].map(([key, ts]) => {
    const v = ts.map(value);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = v.length > 1
      ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1))
      : 0;
    return { key, first: ts[0]!, mean, lo: mean - std, hi: mean + std, n: v.length };
  });
}
