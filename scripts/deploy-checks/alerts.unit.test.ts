/**
 * The alerts select only series the code exports (or kube-state-metrics'), so a renamed metric
 * breaks this test rather than silently never firing. Their behaviour is unit-tested by promtool
 * (deploy/prometheus/alerts.test.yaml, in `bun run check:deploy`).
 */
import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricSelectors } from './dashboards';

const root = join(import.meta.dir, '..', '..');
const alerts = Bun.YAML.parse(readFileSync(join(root, 'deploy/helm/social-network/files/alerts.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] };
const rules = alerts.groups.flatMap((g) => g.rules);
const EXTERNAL = new Set(['kube_pod_container_status_restarts_total']);

/** Metric names registered in src (counter, gauge, histogram), with a histogram's series. */
function exported(): Set<string> {
  const names = new Set<string>();
  for (const file of new Bun.Glob('src/**/*.ts').scanSync({ cwd: root })) {
    if (file.includes('.test.')) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/\.(counter|gauge|histogram)\(\s*'([a-z_:]+)'/g)) {
      names.add(m[2]!);
      if (m[1] === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(m[2]! + suffix);
    }
  }
  return names;
}

test('every alert selects series that exist', () => {
  const known = exported();
  expect(known.has('outbox_backlog')).toBe(true);
  const unknown = rules.flatMap((r) => metricSelectors(r.expr).map((s) => s.metric)).filter((m) => !known.has(m) && !EXTERNAL.has(m));
  expect(unknown).toEqual([]);
});

test('the issue\'s alerts are all there, each with a severity', () => {
  expect(rules.map((r) => r.alert).sort()).toEqual([
    'SocialNetworkAllCircuitsOpen', 'SocialNetworkCircuitsOpen', 'SocialNetworkConsumerNotConsuming', 'SocialNetworkDeadLetters',
    'SocialNetworkHigh5xxRatio', 'SocialNetworkOutboxBacklogGrowing', 'SocialNetworkPodRestarting', 'SocialNetworkProjectionLagHigh',
  ]);
  for (const r of rules) expect(['warning', 'critical']).toContain(r.labels.severity);
});
