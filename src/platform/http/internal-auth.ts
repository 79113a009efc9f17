import { Elysia } from 'elysia';
import type { Clock } from '../clock';
import { pathOf } from './problem';
import { createCredentialSigner, createCredentialVerifier, INTERNAL_CREDENTIAL_HEADER, type Caller } from './internal-credential';

/**
 * A service's side of the trust between our own processes, when user authentication is on:
 * it serves only requests that carry an internal credential addressed to it, and it signs the
 * credentials of its own calls to other services. With authentication off none of this is built,
 * so no request pays for it.
 */
export interface InternalAuth {
  /** Throws a 401 for a request this service must not serve; see `guardRequest`. */
  guard(request: Request): Promise<void>;
  /** Headers that authenticate this service's own (read) call to `service`. */
  callHeaders(service: string): Promise<Record<string, string>>;
  /** The gateway's: headers vouching to `service` for a user whose token it verified. */
  userHeaders(service: string, userId: string): Promise<Record<string, string>>;
}

/** The identity header the gateway sets beside the credential; alone it proves nothing. */
export const AUTHENTICATED_USER_HEADER = 'x-authenticated-user';

/** Refused: answered as problem+json 401 by the app's error handler. */
export class Unauthenticated extends Error {
  override name = 'Unauthenticated';
  readonly status = 401;
}

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Load balancers, probes and Prometheus hold no credential: health and metrics stay open.
 * `/admin` takes the operator's ADMIN_TOKEN instead (admin-access.ts), never a service credential.
 */
function isOpen(method: string, path: string): boolean {
  if (path === '/admin' || path.startsWith('/admin/')) return true;
  if (method !== 'GET' && method !== 'HEAD') return false;
  return path === '/metrics' || path === '/actuator/health' || path.startsWith('/actuator/health/');
}


/**
 * What may pass: the gateway's word for a user, on anything (the gateway applied the ownership
 * policy before it signed); a service's own credential, on reads only (services ask each other
 * questions, never act for a user). An `x-authenticated-user` that disagrees with the credential
 * is refused rather than believed.
 */
export function admit(caller: Caller, method: string, claimedUser: string | null): string | undefined {
  if (caller.kind === 'user') {
    return claimedUser === null || claimedUser === caller.userId ? undefined : `${AUTHENTICATED_USER_HEADER} does not match the internal credential`;
  }
  if (claimedUser !== null) return `a service credential cannot carry ${AUTHENTICATED_USER_HEADER}`;
  return SAFE_METHODS.has(method) ? undefined : `service ${caller.service} may only read from this service`;
}

/**
 * The guard as a plugin for the app's chain. Without a guard it adds no hook at all, so with
 * authentication off no request pays even for an empty one.
 */
export function guarding(guard: ((request: Request) => Promise<void>) | undefined) {
  const plugin = new Elysia();
  return guard
    ? plugin.onRequest(async ({ request }) => {
        await guard(request);
      })
    : plugin;
}

export function createInternalAuth({ secret, service, clock }: { secret: string; service: string; clock?: Clock }): InternalAuth {
  const verifier = createCredentialVerifier({ secret, audience: service, clock });
  const signer = createCredentialSigner({ secret, issuer: service, clock });
  const header = async (token: Promise<string>) => ({ [INTERNAL_CREDENTIAL_HEADER]: await token });
  return {
    async guard(request) {
      const method = request.method;
      if (isOpen(method, pathOf(request.url))) return;
      const token = request.headers.get(INTERNAL_CREDENTIAL_HEADER);
      if (!token) throw new Unauthenticated(`this service answers only requests through the gateway: missing ${INTERNAL_CREDENTIAL_HEADER}`);
      const checked = await verifier.verify(token);
      if (!checked.ok) throw new Unauthenticated(checked.detail);
      const refused = admit(checked.caller, method, request.headers.get(AUTHENTICATED_USER_HEADER));
      if (refused) throw new Unauthenticated(refused);
    },
    callHeaders: (target) => header(signer.forService(target)),
    userHeaders: (target, userId) => header(signer.forUser(target, userId)),
  };
}
