import { pathOf, problemResponse } from '../../platform/http/problem';
import { digest, sameSecret } from './lease';

const CHALLENGE = 'Bearer realm="discovery"';

/**
 * The registry's front door: every call under `/v1/` must carry `Authorization: Bearer <token>`,
 * the shared secret of the deployment (and so must `/`, the registry as a page). Without it anyone who can reach the port could register an
 * instance of their own and have the gateway send users' requests to it, or delete the real ones.
 * Health and metrics stay open: probes and scrapers hold no secret.
 *
 * Returns the refusal to answer, or undefined to let the request through.
 */
export function tokenGate(token: string): (request: Request) => Response | undefined {
  if (token.length < 32) throw new Error('the discovery token must be at least 32 characters long');
  const expected = digest(token);
  return (request) => {
    const path = request.url.slice(request.url.indexOf('/', request.url.indexOf('://') + 3));
    // `/` too: the HTML list of instances shows the same registry.
    if (!path.startsWith('/v1/') && path !== '/' && !path.startsWith('/?')) return undefined;
    const authorization = request.headers.get('authorization');
    const match = authorization ? /^bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (match && sameSecret(expected, match[1])) return undefined;
    const detail = authorization
      ? 'the discovery token is wrong or not sent as Authorization: Bearer <token>'
      : 'discovery requires its token: send Authorization: Bearer <DISCOVERY_TOKEN>';
    return problemResponse(401, detail, {
      'www-authenticate': authorization ? `${CHALLENGE}, error="invalid_token"` : CHALLENGE,
    }, pathOf(request.url));
  };
}
