export { createRecommendationModule, recommendationMigrationsFolder, type RecommendationModule, type RecommendationModuleDeps } from './module';
export type { GraphSnapshot, GraphStats, SocialGraph } from './graph/social-graph';
export type { GraphEvent } from './graph/graph-events';
export * from './contracts/http';
