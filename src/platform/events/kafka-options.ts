import type { KafkaConfig, RetryOptions, SASLOptions } from 'kafkajs';
import type { Logger } from '../log';
import type { DeadLetterReport } from './kafka-consumer';
import type { Backoff } from './kafka-retry';

export interface KafkaBusOptions {
  /** `host:port` of one or more brokers. */
  brokers: readonly string[];
  /** Names this process in broker logs and quotas, e.g. the module name. */
  clientId: string;
  log: Logger;
  /** TLS to the brokers; `ca` (PEM) replaces the system's trusted authorities. Off when omitted. */
  ssl?: KafkaTls;
  /** SASL authentication (PLAIN or SCRAM); off when omitted. */
  sasl?: KafkaSasl;
  /** Partitions of each topic the bus creates (default 6). Existing topics are left alone. */
  topicPartitions?: number;
  /** Replicas of each topic the bus creates (default 1: one broker). */
  replicationFactor?: number;
  /**
   * Broker settings of each topic the bus creates. Default: kept forever (`retention.ms=-1`), since
   * a group that subscribes later starts from the earliest event and must find the whole history;
   * with 3+ replicas, `min.insync.replicas=2`, so an acknowledged event survives losing a broker.
   */
  topicConfig?: Record<string, string>;
  /** Where messages no consumer can ever apply go (default `<topic>.dlq`). */
  deadLetterTopic?: (topic: string) => string;
  /** Back-off between attempts of a failing handler (default 100 ms doubling up to 5 s). */
  handlerRetry?: Partial<Backoff>;
  /** Most events in one handler call (default 500). */
  maxEventsPerDelivery?: number;
  /** kafkajs retries of one publish before it fails (default 5 retries, at most 5 s apart). */
  publishRetry?: RetryOptions;
  /** How long the broker may wait for all in-sync replicas to acknowledge (default 30 s). */
  ackTimeoutMs?: number;
  consumer?: {
    /** The group drops a member it has not heard from for this long (default 30 s; the wiring sets KAFKA_SESSION_TIMEOUT_MS). */
    sessionTimeoutMs?: number;
    heartbeatIntervalMs?: number;
    /** Longest fetch long-poll; bounds how long `close()` waits for an idle fetch (default 1 s). */
    maxWaitTimeMs?: number;
    /**
     * Partitions of one group handled at the same time (default: every partition of its topics, as
     * the bus creates them). Batches of different partitions hold different streams.
     */
    partitionsConsumedConcurrently?: number;
  };
  /** Called for every message moved to a dead-letter topic (metrics, alerts). */
  onDeadLetter?: (report: DeadLetterReport) => void;
}

export function defaultTopicConfig(replicationFactor: number): Record<string, string> {
  return { 'retention.ms': '-1', 'min.insync.replicas': String(replicationFactor >= 3 ? 2 : 1) };
}

export interface KafkaTls {
  ca?: string;
  /** False accepts any certificate: for a test broker only, never in production. */
  rejectUnauthorized: boolean;
}

export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/**
 * The kafkajs client settings for TLS and SASL, shared by the bus and every other client made from
 * the same settings (test kits, scripts), so that none of them reaches a secured broker differently.
 */
export function kafkaSecurity(options: { ssl?: KafkaTls; sasl?: KafkaSasl }): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const { ssl, sasl } = options;
  return {
    ...(ssl ? { ssl: { rejectUnauthorized: ssl.rejectUnauthorized, ...(ssl.ca ? { ca: [ssl.ca] } : {}) } } : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
  };
}
