import { Command } from 'commander';
import { registerAdminCommands } from './admin-commands.js';
import { ConfigError, invocationDir, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './start.js';
import { VERSION } from './version.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`contro1-server: ${message}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}

const program = new Command('contro1-server')
  .version(VERSION)
  .description('Contro1 / CENTCOM v1 reference server');

program
  .command('start', { isDefault: true })
  .description('serve the v1 API, deliver webhooks and expire requests')
  .option('--host <host>', 'interface to listen on (env HOST, default 127.0.0.1)')
  .option('--port <port>', 'port, 0 for any free one (env PORT, default 8787)')
  .option('--db <path>', 'SQLite file (env CONTRO1_DATABASE_URL, default .contro1/centcom.db)')
  .option('--public-url <url>', 'URL reviewers and agents reach this server at (env PUBLIC_URL)')
  .option(
    '--allow-loopback-callbacks',
    'deliver webhooks to 127.0.0.1/::1 (env CONTRO1_ALLOW_LOOPBACK_CALLBACKS)',
  )
  .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL, default info)')
  .option(
    '--dev',
    'development mode: create and print a development organisation, allow loopback callbacks (env CONTRO1_DEV)',
  )
  .action(async (flags) => {
    const config = loadConfig(flags, process.env, invocationDir());
    const logger = createLogger(config.logLevel);
    const running = await startServer(config, logger, print);
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });

registerAdminCommands(program, print);

program.parseAsync(process.argv).catch(fail);
