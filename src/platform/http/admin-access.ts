import { timingSafeEqual } from 'node:crypto';
import { Elysia } from 'elysia';

/**
 * Who may use `/admin` on a module's own port. `/admin` is never routed by the gateway; with a
 * token set it takes `Authorization: Bearer <token>` (and not the internal credential: operators
 * are not services). Without a token it is open only where the port is reachable from this
 * machine alone (the all-in-one binds the modules to loopback); otherwise it is refused.
 */
export interface AdminAccess {
  token?: string;
  /** Serve `/admin` without a token (all-in-one on loopback, tests). */
  openWithoutToken: boolean;
}

class AdminRefused extends Error {
  override name = 'AdminRefused';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Throws a 401/403 (answered as problem+json) for a request that may not use `/admin`. */
export function checkAdmin(access: AdminAccess, request: Request): void {
  if (access.token === undefined) {
    if (access.openWithoutToken) return;
    throw new AdminRefused(403, 'admin operations are off on this instance: set ADMIN_TOKEN to use them');
  }
  const header = request.headers.get('authorization') ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!given || !same(given, access.token)) throw new AdminRefused(401, 'admin operations need Authorization: Bearer <ADMIN_TOKEN>');
}

/** An Elysia group `/admin` whose routes all pass `checkAdmin` first; hidden from OpenAPI by the caller's `detail`. */
export function adminGroup(access: AdminAccess) {
  return new Elysia({ name: 'admin-access', seed: access }).onBeforeHandle({ as: 'scoped' }, ({ request }) => checkAdmin(access, request));
}
