import { ConfigError, type Config } from '../config';
import type { Env } from '../config-readers';
import { DataDirInUseError } from '../db/data-dir-lock';
import { StoreUnusableError } from '../db/store-error';
import { createLogger, lineFormat, type Logger } from '../log';
import { PortInUseError } from './host';

/**
 * Common start-up for every entrypoint: its settings read by `load` (the platform's Config and what
 * the entrypoint's modules declare), a logger, and one clear line (not a stack trace) for the
 * failures a user can fix, each with its own exit code: bad configuration (2), a data
 * directory already in use (3), a database that cannot be opened or whose data disagree (4), a port
 * already in use (5).
 */
export async function startProcess<S extends Config>(name: string, load: (env: Env) => S, main: (settings: S, log: Logger) => Promise<void>): Promise<void> {
  let config: S;
  try {
    config = load(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${name}: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger({ module: name }, config.logLevel, undefined, lineFormat(config.logOutput));
  try {
    await main(config, log);
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      console.error(`${name}: ${error.message}`);
      process.exit(3);
    }
    if (error instanceof StoreUnusableError) {
      // The message names the module and its data; the stack and causes go to the log for whoever digs.
      log.debug('start-up failed', { error });
      console.error(`${name}: ${error.message}`);
      process.exit(4);
    }
    if (error instanceof ConfigError) {
      console.error(`${name}: invalid configuration: ${error.message}`);
      process.exit(2);
    }
    if (error instanceof PortInUseError) {
      console.error(`${name}: ${error.message}`);
      process.exit(5);
    }
    log.error('start-up failed', { error: error as Error });
    process.exit(1);
  }
}
