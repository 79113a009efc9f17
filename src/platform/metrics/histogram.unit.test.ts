import { describe, expect, test } from 'bun:test';
import { Histogram, Registry, type Metric } from 'prom-client';
import { LabelledHistogram } from './histogram';
import { LATENCY_BUCKETS, Metrics } from './metrics';

describe('LabelledHistogram', () => {
  test('exports exactly what prom-client exports for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    for (const registry of [ours, theirs]) registry.setDefaultLabels({ service: 'user' });
    const fast = new LabelledHistogram('http_seconds', 'request time', ['method', 'status'], LATENCY_BUCKETS);
    ours.registerMetric(fast as unknown as Metric<string>);
    const reference = new Histogram({ name: 'http_seconds', help: 'request time', labelNames: ['method', 'status'], buckets: LATENCY_BUCKETS, registers: [theirs] });

    // Values on bucket bounds, between them, below the first and above the last.
    const values = [0, 0.001, 0.0011, 0.0025, 0.02, 0.5, 1, 9.99, 10, 11, 250];
    const get = fast.child('GET', 200);
    for (const v of values) {
      get.observe(v);
      reference.observe({ method: 'GET', status: '200' }, v);
    }
    fast.observe({ method: 'POST', status: '201' }, 0.003);
    reference.observe({ method: 'POST', status: '201' }, 0.003);

    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  test('one series per label set, however it is reached', async () => {
    const h = new LabelledHistogram('x', 'x', ['route'], [1, 2]);
    h.child('/a').observe(1.5);
    h.observe({ route: '/a' }, 0.5);
    h.child('/b').observe(3);
    const { values } = await h.get();
    const count = (route: string) => values.find((v) => v.metricName === 'x_count' && v.sharedLabels.route === route)?.value;
    expect(count('/a')).toBe(2);
    expect(count('/b')).toBe(1);
    expect(values.find((v) => v.metricName === 'x_bucket' && v.sharedLabels.route === '/a' && v.labels.le === 1)?.value).toBe(1);
  });

  test('refuses a value that is not a number, and a wrong number of labels', () => {
    const h = new LabelledHistogram('x', 'x', ['a', 'b'], [1]);
    expect(() => h.child('1', '2').observe(Number.NaN)).toThrow(/finite/);
    expect(() => h.child('only one')).toThrow(/takes labels/);
  });

  test('Metrics shares one histogram per name and checks its labels', () => {
    const metrics = new Metrics({ service: 's' });
    const first = metrics.histogram('h_seconds', 'h', ['a']);
    expect(metrics.histogram('h_seconds', 'h', ['a'])).toBe(first);
    expect(() => metrics.histogram('h_seconds', 'h', ['b'])).toThrow(/already exists/);
  });
});
