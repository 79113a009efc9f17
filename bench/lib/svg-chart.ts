/**
 * Horizontal bar charts as standalone SVG: no chart library, and the file opens anywhere (GitHub
 * renders it inline in the markdown report). A bar may carry a target, drawn as a vertical mark,
 * and is coloured by whether it meets it.
 */
import { escapeXml as esc } from '../../scripts/lib/svg';

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar, e.g. "54%". */
  text: string;
  target?: { value: number; higherIsBetter: boolean };
}

export function barChart(title: string, bars: readonly Bar[], options: { max?: number; width?: number } = {}): string {
  const width = options.width ?? 720;
  const labelWidth = 260;
  const textWidth = 90;
  const rowHeight = 26;
  const top = 40;
  const plot = width - labelWidth - textWidth - 20;
  const max = options.max ?? Math.max(1e-9, ...bars.flatMap((b) => [b.value, b.target?.value ?? 0]));
  const x = (v: number) => labelWidth + Math.max(0, Math.min(1, v / max)) * plot;
  const height = top + bars.length * rowHeight + 16;
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight;
    const met = bar.target ? (bar.target.higherIsBetter ? bar.value >= bar.target.value : bar.value < bar.target.value) : undefined;
    const fill = met === undefined ? '#6b8fc7' : met ? '#4c9a5b' : '#c75a4a';
    const mark = bar.target
      ? `<line x1="${x(bar.target.value)}" y1="${y - 2}" x2="${x(bar.target.value)}" y2="${y + rowHeight - 6}" stroke="#222" stroke-width="2" stroke-dasharray="3,2"/>`
      : '';
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${esc(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${Math.max(1, x(bar.value) - labelWidth)}" height="${rowHeight - 10}" fill="${fill}"/>`,
      mark,
      `<text x="${x(Math.min(bar.value, max)) + 6}" y="${y + 15}">${esc(bar.text)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...rows,
    '</svg>',
  ].join('\n');
}
