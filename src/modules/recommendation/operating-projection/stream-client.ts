import type { StreamSource } from './audit';

/**
 * A domain service's stream heads read over its own port (`GET /admin/streams`, paginated): the
 * audit never reads another module's tables.
 */
export function httpStreamSource(name: string, prefix: string, baseUrl: string, token?: string, fetcher: typeof fetch = fetch): StreamSource {
  return {
    name,
    prefix,
    async *heads() {
      for (let after = ''; ; ) {
        const url = `${baseUrl.replace(/\/$/, '')}/admin/streams?limit=5000${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const res = await fetcher(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        if (!res.ok) throw new Error(`${name} answered ${res.status} to ${url}`);
        const page = (await res.json()) as { streams: { streamId: string; version: number }[]; next: string | null };
        for (const s of page.streams) yield [s.streamId, s.version] as [string, number];
        if (!page.next) return;
        after = page.next;
      }
    },
  };
}
