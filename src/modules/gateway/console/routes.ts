import { Elysia } from 'elysia';
import type { TokenVerifier } from '../auth/verifier';
import { problemResponse } from '../../../platform/http/problem';
import { asset, consoleBundle, serveAsset } from './bundle';
import { consolePage, consoleStyles } from './page';
import type { SystemView } from './system-view';

export interface ConsoleDeps {
  system: () => Promise<SystemView>;
  /** With AUTH_MODE=jwt the system view needs a valid bearer token, like every proxied route. */
  verifier?: TokenVerifier;
}

const text = (body: string, type: string) => asset(new TextEncoder().encode(body), type);

/** `/` redirects here; `/console` is the page, its assets and the one read it needs of the gateway itself. */
export function consoleRoutes({ system, verifier }: ConsoleDeps) {
  const bundle = consoleBundle();
  const page = text(consolePage({ jwt: verifier !== undefined }), 'text/html; charset=utf-8');
  const styles = text(consoleStyles, 'text/css; charset=utf-8');
  return new Elysia({ name: 'console' })
    .get('/', ({ redirect }) => redirect('/console', 302), { detail: { hide: true } })
    .get('/console', ({ request }) => serveAsset(page, request), { detail: { hide: true } })
    .get('/console/assets/console.css', ({ request }) => serveAsset(styles, request), { detail: { hide: true } })
    .get('/console/assets/console.js', async ({ request }) => serveAsset(await bundle.get(), request), { detail: { hide: true } })
    .get(
      '/console/api/system',
      async ({ request }) => {
        if (verifier) {
          const token = /^bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
          const verdict = token ? await verifier.verify(token) : { ok: false as const, status: 401 as const, detail: 'send Authorization: Bearer <token>' };
          if (!verdict.ok) return problemResponse(verdict.status, verdict.detail, { 'www-authenticate': 'Bearer' }, '/console/api/system');
        }
        return Response.json(await system(), { headers: { 'cache-control': 'no-store' } });
      },
      {
        detail: {
          summary: 'Instances and their health, as the gateway sees them',
          description: 'The instances discovery knows (service, address, registration, last heartbeat), the gateway\'s circuit state for each, and the outbox backlog and consumer lag their metrics report. Read by the console\'s system view.',
          tags: ['console'],
          responses: { 200: { description: 'The system view', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    );
}
