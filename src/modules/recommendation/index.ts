export {
  createRecommendationModule,
  recommendationMigrationsFolder,
  type RecommendationModule,
  type RecommendationModuleDeps,
} from './module';
export { openNeo4jGraph } from './graph/neo4j-open';
export type { Neo4jConnection, Neo4jGraph, Neo4jGraphOptions } from './graph/neo4j-graph';
export type { DurableGraph, GraphSnapshot, GraphStats, SocialGraph } from './graph/social-graph';
export type { GraphEvent } from './graph/graph-events';
// What a check needs to rebuild a reference graph from any list of events, to compare a graph with.
export { classify } from './graph/graph-events';
export { MemoryGraph } from './graph/memory-graph';
export * from './contracts/http';
// The audit reads the domain services' stream heads over their own ports; the entrypoint says where.
export { httpStreamSource } from './operating-projection/stream-client';
export type { StreamSource } from './operating-projection/audit';
export { readRecommendationSettings, type RecommendationSettings } from './settings';
