/**
 * What every SVG writer here needs: text escaped for XML. The benchmark's bar charts and the
 * observability dashboards draw different pictures, but put text into SVG the same way.
 */
export const escapeXml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
