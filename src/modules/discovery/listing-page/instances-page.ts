import { Elysia } from 'elysia';

interface Listed {
  service: string;
  instanceId: string;
  url: string;
  registeredAt: string;
  lastHeartbeatAt: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The registry as a plain HTML table, like Eureka's dashboard: no script, works in any browser. */
export function instancesPage(instances: readonly Listed[], now: Date): string {
  const rows = [...instances]
    .sort((a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId))
    .map((i) => {
      const age = ((now.getTime() - Date.parse(i.lastHeartbeatAt)) / 1000).toFixed(1);
      return `<tr><td>${escape(i.service)}</td><td>${escape(i.instanceId)}</td><td><a href="${escape(i.url)}/actuator/health">${escape(i.url)}</a></td><td>UP</td><td>${escape(i.registeredAt)}</td><td>${escape(i.lastHeartbeatAt)} (${age} s ago)</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>Discovery: instances</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1rem}table{border-collapse:collapse}th,td{text-align:left;padding:.2rem .6rem;border-bottom:1px solid #8884}</style></head>
<body><h1>Discovery</h1><p>${instances.length} live instance${instances.length === 1 ? '' : 's'} at ${escape(now.toISOString())}.</p>
<table><caption>Registered instances</caption><thead><tr><th scope="col">Service</th><th scope="col">Instance</th><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Registered</th><th scope="col">Last heartbeat</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`;
}

/** `GET /`: behind the same token as `/v1/` (see access.ts), since it reveals the same registry. */
export function instancesPageRoute(list: () => readonly Listed[], now: () => Date) {
  return new Elysia({ name: 'discovery-page' }).get(
    '/',
    () => new Response(instancesPage(list(), now()), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } }),
    { detail: { hide: true } },
  );
}
