/**
 * Tiny argument parser for the CLI: positionals and `--name value` / `--flag` options.
 */
import { parseArgs } from 'node:util';

export function parseCommandArgs(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/** An error whose message is shown to the operator as is, with exit code 2. */
export class UsageError extends Error {}
