import postgres from 'postgres';

/**
 * A new, empty database on the server of `baseUrl` (a test's own, so it starts from empty
 * tables), returned as a URL. Needs a role allowed to create databases, as `bun run infra:up` sets up.
 */
export async function freshDatabaseUrl(baseUrl: string, prefix = 'test'): Promise<string> {
  const name = `${prefix}_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
