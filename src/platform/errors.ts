/**
 * A rejection the caller can act on. Deciders throw these; the HTTP layer turns each kind into its
 * status code, so domain code never speaks HTTP.
 */
export type DomainErrorKind = 'invalid' | 'not-found' | 'gone' | 'conflict' | 'stale' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string) => new DomainError('invalid', message);
export const notFound = (message: string) => new DomainError('not-found', message);
/** The thing existed and was erased for good: unlike not-found, asking again will never help. */
export const gone = (message: string) => new DomainError('gone', message);
export const conflict = (message: string) => new DomainError('conflict', message);
export const stale = (message: string) => new DomainError('stale', message);
export const unavailable = (message: string) => new DomainError('unavailable', message);
