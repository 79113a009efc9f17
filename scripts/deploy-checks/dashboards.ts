/**
 * The Grafana dashboards as a chart ships them: no hard-coded datasource (a `datasource` variable
 * picks one), and a `namespace` variable that every metric selector honours, so one Grafana
 * serves several releases. `dashboardRules` turns every query into a recording rule for promtool,
 * which parses it as Prometheus would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARDS_DIR = join(import.meta.dir, '..', '..', 'deploy', 'grafana', 'dashboards');
const NAMESPACE_MATCHER = 'namespace=~"$namespace"';
const AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group', 'limitk', 'limit_ratio'];
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan', ...AGGREGATIONS]);
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

export type Dashboard = { file: string; json: Record<string, any> };

export function dashboards(dir = DASHBOARDS_DIR): Dashboard[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => ({ file, json: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
}

/** Every panel's queries and datasources, rows included. */
function panels(json: Record<string, any>): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  const walk = (list: Record<string, any>[] = []) => list.forEach((p) => (out.push(p), walk(p.panels)));
  walk(json.panels);
  return out;
}

export const queries = (json: Record<string, any>): string[] => panels(json).flatMap((p) => (p.targets ?? []).map((t: any) => t.expr).filter(Boolean));

/** The metric names of an expression whose selector lacks the namespace matcher. */
export const unscopedSelectors = (expr: string): string[] => metricSelectors(expr).filter((s) => !s.selector.includes(NAMESPACE_MATCHER)).map((s) => s.metric);

/** Every metric an expression selects, with its `{...}` (empty when bare). */
export function metricSelectors(expr: string): { metric: string; selector: string }[] {
  const found: { metric: string; selector: string }[] = [];
  let i = 0;
  let labelList = 0; // depth of parentheses that hold label names (`by (service, le)`)
  const parens: boolean[] = [];
  let lastWord = '';
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'") {
      const end = expr.indexOf(c, i + 1);
      i = end === -1 ? expr.length : end + 1;
    } else if (c === '[') i = expr.indexOf(']', i) + 1 || expr.length;
    else if (c === '{') i = expr.indexOf('}', i) + 1 || expr.length;
    else if (c === '(') {
      const isList = LABEL_LISTS.has(lastWord);
      parens.push(isList);
      if (isList) labelList++;
      lastWord = '';
      i++;
    } else if (c === ')') {
      if (parens.pop()) labelList--;
      i++;
    } else if (/[A-Za-z_:]/.test(c)) {
      const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))![0];
      const after = expr.slice(i + word.length).trimStart();
      const isMetric = !labelList && !KEYWORDS.has(word.toLowerCase()) && !after.startsWith('(') && !/^[0-9]/.test(word);
      if (isMetric) {
        found.push({ metric: word, selector: after.startsWith('{') ? after.slice(0, after.indexOf('}') + 1) : '' });
      }
      lastWord = word.toLowerCase();
      i += word.length;
    } else {
      if (!/\s/.test(c)) lastWord = '';
      i++;
    }
  }
  return found;
}

export function dashboardProblems(list: Dashboard[] = dashboards()): string[] {
  const problems: string[] = [];
  for (const { file, json } of list) {
    const variables = new Map<string, any>((json.templating?.list ?? []).map((v: any) => [v.name, v]));
    const ds = variables.get('datasource');
    if (ds?.type !== 'datasource' || ds.query !== 'prometheus') problems.push(`${file}: no "datasource" variable of type datasource for prometheus`);
    const ns = variables.get('namespace');
    if (ns?.type !== 'query' || !ns.includeAll || ns.allValue !== '.*') problems.push(`${file}: no "namespace" query variable with All = .*`);
    const uids = new Set<string>();
    const visit = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        const ds = (node as any).datasource;
        if (ds && typeof ds === 'object' && 'uid' in ds) uids.add(String(ds.uid));
        Object.values(node).forEach(visit);
      }
    };
    visit(json);
    for (const uid of uids) if (uid !== '${datasource}') problems.push(`${file}: datasource uid "${uid}" is hard-coded; use \${datasource}`);
    for (const expr of queries(json)) {
      for (const metric of unscopedSelectors(expr)) problems.push(`${file}: ${metric} is not scoped by ${NAMESPACE_MATCHER} in ${expr}`);
    }
  }
  return problems;
}

/** Grafana's variables as it fills them for "All" and a short range. */
const filled = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$__interval', '15s').replaceAll('$__range', '5m').replaceAll('$namespace', '.*');

/** A rule file with every dashboard query as a recording rule, for `promtool check rules`. */
export async function dashboardRules(dir: string): Promise<{ file: string; count: number }> {
  const exprs = dashboards().flatMap(({ json }) => queries(json));
  const rules = exprs.map((expr, n) => ({ record: `dashboard:query:${n}`, expr: filled(expr) }));
  const file = join(dir, 'dashboard-queries.rules.json');
  // JSON is YAML: promtool reads it as a rule file.
  await Bun.write(file, JSON.stringify({ groups: [{ name: 'dashboards', rules }] }));
  return { file, count: exprs.length };
}
