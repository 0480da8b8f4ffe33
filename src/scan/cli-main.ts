/**
 * Stand-alone entry for the scan command: `npx tsx src/scan/cli-main.ts IMAGE`.
 */
import { scanCommand } from './cli.ts';

process.exitCode = await scanCommand(process.argv.slice(2));
