/**
 * The few lines a person who just typed `bun run all-in-one` wants: where to point a browser or
 * curl, and how to stop. Printed after `ready` with human log lines only; in JSON the `ready` line
 * carries the same URLs as fields, and a log collector has no use for a box of text.
 */
export function startBanner(urls: Record<string, string>, color: boolean): string | undefined {
  const gateway = urls.gateway;
  if (!gateway) return undefined;
  const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);
  const rows: [string, string][] = [
    ['Gateway', gateway],
    ['Swagger UI', `${gateway}/swagger`],
    ['Health', `${gateway}/actuator/health`],
    ['Stop', 'Ctrl+C (or SIGTERM)'],
  ];
  return ['', `  ${bold('Social network is ready')}`, ...rows.map(([name, value]) => `    ${name.padEnd(12)}${value}`), ''].join('\n') + '\n';
}
