/**
 * Entry point and CLI: `serve` (what `npm start` runs), `migrate`, `companies`, `keys`, `cfdi`,
 * `scan`. Installed as a package the same CLI is the `autofactura` bin.
 */

import { UsageError } from './cli/args.ts';
import { ConfigError, loadConfig } from './config.ts';

const HELP = `autofactura <command>

  serve                          run the HTTP server, chat channels and jobs (npm start)
  migrate                        apply database migrations
  companies create --rfc RFC --name NAME --regimen 601 --cp 06600 [--time-zone TZ]
  keys create --company RFC --role admin|pos [--label TEXT]
  cfdi verify FILE.xml           check seal and SAT rules: prints OK or the first failure
  cfdi cadena FILE.xml           print the cadena original
  cfdi pdf FILE.xml -o OUT.pdf   render the representación impresa
  scan IMAGE                     read a ticket photo: prints {"code","date","total","via"}
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { serve } = await import('./serve.ts');
      return serve(loadConfig());
    }
    case 'migrate': {
      const { migrateCommand } = await import('./cli/db-commands.ts');
      return migrateCommand(loadConfig());
    }
    case 'companies':
    case 'keys': {
      const { companiesCommand } = await import('./cli/company-commands.ts');
      return companiesCommand(loadConfig(), command, rest);
    }
    case 'cfdi': {
      const { cfdiCommand } = await import('./cli/cfdi-commands.ts');
      return cfdiCommand(rest);
    }
    case 'scan': {
      const { scanCommand } = await import('./scan/cli.ts');
      return scanCommand(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${HELP}`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
