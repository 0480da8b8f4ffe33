/**
 * What the composition root (main.ts) hands to the parts it wires: configuration, database,
 * logger, secret box. Parts take what they need from it; nothing reaches for globals.
 */
import type { Config } from './config.ts';
import type { Database, Sql } from './db/database.ts';
import type { Logger } from './log.ts';
import type { SecretBox } from './secrets.ts';

export interface AppContext {
  config: Config;
  db: Database;
  sql: Sql;
  log: Logger;
  secrets: SecretBox;
}
