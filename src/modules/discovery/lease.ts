import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets compared without leaking, through timing, how much of a guess was right: both sides are
 * hashed first, so the comparison runs over equal lengths whatever was sent.
 */
export const digest = (secret: string): Buffer => createHash('sha256').update(secret).digest();

export const sameSecret = (expected: Buffer, presented: string | undefined | null): boolean =>
  typeof presented === 'string' && timingSafeEqual(expected, digest(presented));

/** A registration's lease: 256 random bits, kept by discovery only as a digest. */
export const newLease = (): string => randomBytes(32).toString('base64url');
export const leaseDigest = digest;
export const leaseMatches = sameSecret;
