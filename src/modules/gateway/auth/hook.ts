import type { InternalAuth } from '../../../platform/http/internal-auth';
import { httpObserver, type RequestStart } from '../../../platform/http/observe';
import { pathOf, problemResponse } from '../../../platform/http/problem';
import type { Logger } from '../../../platform/log';
import type { Metrics } from '../../../platform/metrics/metrics';
import { requestIdOf, type ClientView } from '../forwarding-headers';
import type { RouteMatch } from '../routes';
import { challenge, credentialsOf } from './bearer';
import { authorize, isPublic, pathOnly } from './policy';
import type { TokenVerifier } from './verifier';

/** What the proxy does with a request that got this far; `started` is when and in which trace it arrived. */
export type Forward = (request: Request, match: RouteMatch, client: ClientView, started: RequestStart) => Promise<Response>;

export interface AuthHookDeps {
  verifier: Pick<TokenVerifier, 'verify'>;
  log: Logger;
  metrics: Metrics;
  /** Signs the gateway's word for the verified user, which the modules require. */
  internalAuth?: Pick<InternalAuth, 'userHeaders'>;
}

/**
 * Puts token verification and the ownership policy in front of `forward`: a request without a valid
 * bearer token gets a 401 (or a 503 when the identity provider's keys cannot be had), one that acts
 * for another user a 403, and neither reaches the upstream. An accepted request travels on with
 * the verified user id in its client view, which the proxy sends upstream as
 * `x-authenticated-user` beside the internal credential that vouches for it; the client's own
 * Authorization stays here. Only built when authentication is on: when off, nothing runs.
 */
export function requireAuth({ verifier, log, metrics, internalAuth }: AuthHookDeps, forward: Forward): Forward {
  // Refused requests never reach the proxy, which records the others; these are recorded here.
  const http = httpObserver(metrics, log);

  return async (request, match, client, started) => {
    const method = request.method;
    const path = pathOnly(match.upstreamPath);
    if (isPublic(method, path)) return forward(request, match, { ...client, authenticating: true }, started);

    const refuse = (status: number, detail: string, headers: Record<string, string> = {}) => {
      const traceHeader: Record<string, string> = started.fields.traceId ? { 'x-trace-id': String(started.fields.traceId) } : {};
      const response = problemResponse(status, detail, { 'x-request-id': requestIdOf(request.headers), ...traceHeader, ...headers }, pathOf(request.url));
      http.end(request, started, match.template, status, detail);
      return response;
    };

    const credentials = credentialsOf(request.headers.get('authorization'));
    if (credentials.kind !== 'bearer') {
      const detail = credentials.kind === 'none' ? 'missing bearer token: send Authorization: Bearer <jwt>' : 'the Authorization header must use the Bearer scheme';
      return refuse(401, detail, { 'www-authenticate': challenge(credentials, detail) });
    }
    const verified = await verifier.verify(credentials.token);
    if (!verified.ok) {
      if (verified.status === 503) return refuse(503, verified.detail, { 'retry-after': '10' });
      return refuse(401, verified.detail, { 'www-authenticate': challenge(credentials, verified.detail) });
    }
    const decision = authorize(match.route.service, method, path, verified.userId);
    if (!decision.allowed) return refuse(403, decision.detail);
    const credential = await internalAuth?.userHeaders(match.route.service, verified.userId);
    return forward(request, match, { ...client, authenticating: true, user: verified.userId, ...(credential ? { credential } : {}) }, started);
  };
}
