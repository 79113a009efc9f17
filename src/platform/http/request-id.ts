/**
 * Request and correlation ids come from clients and end up in logs, response headers and stored
 * event metadata: only a short token of safe characters is taken as given, anything else is
 * replaced by a fresh id rather than echoed or stored.
 */
const SANE_ID = /^[\w.:@=+/-]{1,128}$/;

/** The value when it is a sane id token, else undefined. */
export function saneId(value: string | null | undefined): string | undefined {
  return value && SANE_ID.test(value) ? value : undefined;
}
