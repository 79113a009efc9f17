// The command-line front of up/down/status: which engines, help, and how failures are printed.
import { COMPONENT_NAMES, parseComponents, type Component, type ComponentName } from './component.ts';
import { kafka } from './kafka.ts';
import { InfraError } from './lib.ts';
import { neo4j } from './neo4j.ts';
import { postgres } from './postgres.ts';

export const COMPONENTS: Record<ComponentName, Component> = { postgres, kafka, neo4j };

export function usage(verb: 'up' | 'down' | 'status', does: string): string {
  return `Usage: bun run infra:${verb} [-- ${COMPONENT_NAMES.join('|')} ...]

${does}
With no names: all of ${COMPONENT_NAMES.join(', ')}. State, logs and pid files live in .infra/.`;
}

/** The components named in argv, or exits: 0 after --help, 2 after a bad name. */
export function selected(argv: readonly string[], help: string): Component[] {
  if (argv.some((a) => a === '-h' || a === '--help')) {
    console.log(help);
    process.exit(0);
  }
  try {
    return parseComponents(argv).map((n) => COMPONENTS[n]);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${help}`);
    process.exit(2);
  }
}

/** Runs a script body; an InfraError is printed as is (it already names the component and log). */
export async function main(body: () => Promise<number>): Promise<never> {
  try {
    process.exit(await body());
  } catch (e) {
    console.error(e instanceof InfraError ? `error: ${e.message}` : e);
    process.exit(1);
  }
}
