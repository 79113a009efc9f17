import type { Logger } from '../../../platform/log';
import type { Neo4jConnection, Neo4jGraph, Neo4jGraphOptions } from './neo4j-graph';

/**
 * Creates a Neo4jGraph and its constraints. The driver is loaded only here, on demand: importing
 * neo4j-driver takes about 0.2 s, which the embedded mode, which never uses it, should not pay.
 */
export async function openNeo4jGraph(connection: Neo4jConnection, log: Logger, options?: Neo4jGraphOptions): Promise<Neo4jGraph> {
  const { Neo4jGraph } = await import('./neo4j-graph');
  const graph = new Neo4jGraph(connection, log, options);
  try {
    await graph.init();
  } catch (error) {
    await graph.close();
    throw error;
  }
  return graph;
}
