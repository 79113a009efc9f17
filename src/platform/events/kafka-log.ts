import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../log';

/**
 * Routes kafkajs' own logging into our structured logger, at the level the event deserves here.
 * Demoted to debug, because the bus handles what they report and logs the outcome itself: every
 * error *response* a Connection receives (kafkajs logs "topic already exists" or "coordinator
 * loading" at error level, then retries or returns them), and the warning about bounded retries on
 * the idempotent producer (bounded on purpose, see kafka-producer.ts). Demoted to warn: failed
 * connection attempts, which kafkajs retries (a few lines a second while a broker restarts); what
 * survives the retries surfaces as a failed publish or a consumer crash. kafkajs info is chatty: debug.
 */
export function kafkaLogCreator(log: Logger): logCreator {
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry;
      const line = `kafkajs: ${message}`;
      const context = { kafkajs: namespace, ...fields };
      const handled =
        (namespace === 'Connection' && message.startsWith('Response ')) ||
        message.startsWith('Limiting retries for the idempotent producer');
      const retried = namespace === 'Connection' || namespace === 'BrokerPool';
      if (level === logLevel.ERROR && !handled && !retried) log.error(line, context);
      else if ((level === logLevel.WARN || level === logLevel.ERROR) && !handled) log.warn(line, context);
      else log.debug(line, context);
    };
}
