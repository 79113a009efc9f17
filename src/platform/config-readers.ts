import { readFileSync } from 'node:fs';

/**
 * The readers every setting is read with, wherever it is declared (the platform's process settings
 * in config.ts, a module's own in its settings.ts): a bad value stops start-up with a message that
 * names the variable.
 */
export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** A share between 0 and 1, e.g. 0.5. */
export function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new ConfigError(`${name} must be a number between 0 and 1, got "${raw}"`);
  return value;
}

export function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

export function url(env: Env, name: string, fallback: string): string {
  const raw = text(env, name, fallback);
  try {
    return new URL(raw).origin;
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
}

export function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = text(env, name, fallback);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export const port = (env: Env, name: string, fallback: number) => integer(env, name, fallback, 0, 65535);

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A duration in seconds, written `3600`, `90s`, `30m`, `24h` or `7d`. */
export function duration(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const match = /^([0-9]{1,9})([smhd]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's']! : NaN;
  if (!(seconds >= min && seconds <= max)) {
    throw new ConfigError(`${name} must be a duration between ${min} s and ${max / 86_400} days, written like 3600, 90m, 24h or 7d, got "${raw}"`);
  }
  return seconds;
}

/**
 * A CA file read now, at start: a missing or wrong file stops start-up naming its variable,
 * instead of surfacing later as a handshake failure with no hint of the cause.
 */
export function pemFile(env: Env, name: string): string | undefined {
  const path = env[name]?.trim();
  if (!path) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${name} names "${path}", which cannot be read: ${(error as { code?: string }).code ?? String(error)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`${name} must name a PEM file of CA certificates; "${path}" holds no "-----BEGIN CERTIFICATE-----"`);
  return pem;
}

