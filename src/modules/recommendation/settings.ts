import { ConfigError, integer, oneOf, pemFile, text, url, type Env } from '../../platform/config-readers';
import { DEFAULT_NAME_CACHE_SIZE } from './naming-users/name-cache';

/** The recommendation service's own settings: its graph engine, where its audit reads the event stores, its name cache. */
export interface RecommendationSettings {
  /** Unset: the in-memory graph. `trustedCaFile`: a PEM path the driver reads; set, the connection is encrypted and verified against it. */
  neo4j?: { url: string; user: string; password: string; trustedCaFile?: string };
  /**
   * With Neo4j: where reads are answered from. `replica`: an in-memory copy of the whole graph on
   * each instance, fed from the shared log (Neo4j stays the durable graph, written as before);
   * `neo4j`: Neo4j itself. Without Neo4j the graph is in memory anyway.
   */
  reads: 'replica' | 'neo4j';
  /** Own ports of the domain services, whose `/admin/streams` the projection audit reads. */
  auditSources: { user: string; friend: string };
  /** RECOMMENDATION_NAME_CACHE_SIZE: users whose names answers keep in memory (naming-users/). */
  nameCacheSize: number;
}

/** `defaults` says where the user and friend services listen when AUDIT_USER_URL and AUDIT_FRIEND_URL are unset. */
export function readRecommendationSettings(env: Env, defaults: { host: string; ports: { user: number; friend: number } }): RecommendationSettings {
  const graph = neo4j(env);
  const { host, ports } = defaults;
  return {
    ...(graph ? { neo4j: graph } : {}),
    reads: reads(env, graph !== undefined),
    auditSources: { user: url(env, 'AUDIT_USER_URL', `http://${host}:${ports.user}`), friend: url(env, 'AUDIT_FRIEND_URL', `http://${host}:${ports.friend}`) },
    nameCacheSize: integer(env, 'RECOMMENDATION_NAME_CACHE_SIZE', DEFAULT_NAME_CACHE_SIZE, 1, 10_000_000),
  };
}

const READS = ['replica', 'neo4j'] as const;

function reads(env: Env, withNeo4j: boolean): RecommendationSettings['reads'] {
  const chosen = oneOf(env, 'RECOMMENDATION_READS', 'replica', READS);
  if (chosen === 'neo4j' && !withNeo4j) throw new ConfigError('RECOMMENDATION_READS=neo4j needs NEO4J_URL');
  return chosen;
}

function neo4j(env: Env): RecommendationSettings['neo4j'] {
  const url = env.NEO4J_URL?.trim();
  if (!url) return undefined;
  if (!/^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^\s]+$/.test(url)) {
    throw new ConfigError(`NEO4J_URL must be a bolt:// or neo4j:// URL, got "${url}"`);
  }
  const trustedCaFile = env.NEO4J_TRUSTED_CA_FILE?.trim() || undefined;
  if (trustedCaFile) {
    pemFile(env, 'NEO4J_TRUSTED_CA_FILE');
    // +ssc trusts any certificate: a CA to verify against would be silently ignored.
    if (url.includes('+ssc://')) throw new ConfigError('NEO4J_TRUSTED_CA_FILE cannot be combined with a +ssc NEO4J_URL (which trusts any certificate)');
  }
  return { url, user: text(env, 'NEO4J_USER', 'neo4j'), password: env.NEO4J_PASSWORD ?? '', ...(trustedCaFile ? { trustedCaFile } : {}) };
}

