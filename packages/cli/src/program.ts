import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RiskLevel } from '@contro1/core';
import { serve } from '@hono/node-server';
import { Command, InvalidArgumentError, Option } from 'commander';
import { clientFromEnv } from './client.js';
import { claudeCodeHook, hookSettings, type PreToolUseInput } from './commands/claude-code-hook.js';
import { doctor } from './commands/doctor.js';
import { getEvidence, verifyEvidence } from './commands/evidence.js';
import { cancelRequest, getRequest, listRequests, waitRequest } from './commands/requests.js';
import { runCommand } from './commands/run.js';
import { EXIT } from './exit-codes.js';
import { createHub } from './hub/hub.js';

const seconds = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface ProgramIo {
  out: (chunk: Buffer | string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
  setExitCode: (code: number) => void;
}

/** The `contro1` command tree; wiring only, each command lives in its own module. */
export function buildProgram(io: ProgramIo): Command {
  const print = (line: string) => io.out(`${line}\n`);
  const program = new Command('contro1')
    .description('Human approval for agent actions, from the shell')
    .enablePositionalOptions()
    .exitOverride();
  const done = (code: number) => io.setExitCode(code);

  program
    .command('run')
    .description('run a command only after a human approves it (exit 5 denied, 6 timed out)')
    .option('--title <text>', 'what the reviewer is asked')
    .addOption(new Option('--risk <level>', 'risk level').choices(['low', 'medium', 'high', 'critical']))
    .option('--role <role>', 'reviewer role that must answer')
    .option('--timeout <seconds>', 'how long to wait for a decision', seconds, 600)
    .option('--request <id>', 'use an existing request (it must be for this exact command)')
    .option('--case <id>', 'case id for the request and the execution record')
    .argument('<command...>', 'the command, after --')
    .action(async (command: string[], opts) => {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      done(
        await runCommand(
          command,
          {
            timeout: opts.timeout,
            cwd: process.cwd(),
            ...(opts.title ? { title: opts.title } : {}),
            ...(opts.risk ? { risk: opts.risk as RiskLevel } : {}),
            ...(opts.role ? { role: opts.role } : {}),
            ...(opts.request ? { request: opts.request } : {}),
            ...(opts.case ? { caseId: opts.case } : {}),
          },
          { client: clientFromEnv(), out: io.out, err: io.err, signal: controller.signal },
        ),
      );
    });

  const hooks = program.command('hooks').description('hooks for coding agents').enablePositionalOptions();
  const claude = hooks
    .command('claude-code')
    .enablePositionalOptions()
    .description('PreToolUse hook: reads the hook input on stdin, answers allow/deny in Claude Code’s format')
    .option(
      '--bash <regex>',
      'Bash commands matching this need a human (repeatable; default: every Bash call)',
      collect,
      [],
    )
    .option('--write-outside <dir>', 'file writes outside this directory need a human')
    .option('--timeout <seconds>', 'how long to wait before denying for now', seconds, 120)
    .action(async (opts) => {
      const input = JSON.parse(await io.readStdin()) as PreToolUseInput;
      const output = await claudeCodeHook(
        input,
        {
          bash: (opts.bash as string[]).map((b) => new RegExp(b)),
          ...(opts.writeOutside ? { writeOutside: opts.writeOutside } : {}),
        },
        { client: clientFromEnv(), timeoutMs: opts.timeout * 1000 },
      );
      if (output) print(JSON.stringify(output));
      done(EXIT.ok);
    });
  claude
    .command('install')
    .description('print (or --write into .claude/settings.json) the hook configuration')
    .option('--bash <regex>', 'gate Bash commands matching this (repeatable)', collect, [])
    .option('--write-outside <dir>', 'gate file writes outside this directory')
    .option('--timeout <seconds>', 'wait per tool call', seconds, 120)
    .option('--write', 'merge into .claude/settings.json in this directory')
    .action(async (opts) => {
      const settings = hookSettings(
        { bash: opts.bash, ...(opts.writeOutside ? { writeOutside: opts.writeOutside } : {}) },
        opts.timeout,
      );
      if (!opts.write) {
        print(JSON.stringify(settings, null, 2));
        return done(EXIT.ok);
      }
      const file = join(process.cwd(), '.claude', 'settings.json');
      const current = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as {
        hooks?: Record<string, unknown[]>;
      };
      const merged = {
        ...current,
        hooks: {
          ...(current.hooks ?? {}),
          PreToolUse: [...((current.hooks?.PreToolUse as unknown[]) ?? []), ...settings.hooks.PreToolUse],
        },
      };
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
      print(`wrote ${file}`);
      done(EXIT.ok);
    });

  program
    .command('hub')
    .description('local agent hub on 127.0.0.1: POST /plan, GET /pending, GET /status (X-Agent-Token)')
    .option('--port <port>', 'port', '8790')
    .option('--poll <seconds>', 'how often to check decisions', seconds, 2)
    .action(async (opts) => {
      const token = process.env.CONTRO1_HUB_TOKEN;
      if (!token || token.length < 16) {
        io.err(
          'contro1: set CONTRO1_HUB_TOKEN to a secret of at least 16 characters; agents send it as X-Agent-Token',
        );
        return done(EXIT.badArgs);
      }
      const hub = createHub({
        client: clientFromEnv(),
        token,
        defaultCwd: process.cwd(),
        pollMs: opts.poll * 1000,
      });
      hub.start();
      serve({ fetch: hub.fetch, hostname: '127.0.0.1', port: Number(opts.port) }, (info) =>
        io.err(`contro1 hub listening on http://127.0.0.1:${info.port}`),
      );
    });

  const requests = program.command('requests').description('inspect and manage requests');
  requests
    .command('list')
    .option('--state <state>', 'filter by state')
    .option('--limit <n>', 'how many', '50')
    .action(async (opts) =>
      done(
        await listRequests(
          clientFromEnv(),
          { limit: Number(opts.limit), ...(opts.state ? { state: opts.state } : {}) },
          print,
        ),
      ),
    );
  requests
    .command('get <id>')
    .action(async (id: string) => done(await getRequest(clientFromEnv(), id, print)));
  requests
    .command('cancel <id>')
    .action(async (id: string) => done(await cancelRequest(clientFromEnv(), id, print)));
  requests
    .command('wait <id>')
    .option('--timeout <seconds>', 'how long to wait', seconds, 600)
    .action(async (id: string, opts) =>
      done(await waitRequest(clientFromEnv(), id, { timeout: opts.timeout }, print)),
    );

  const evidence = program.command('evidence').description('signed evidence packets');
  evidence
    .command('get <request-id>')
    .option('--out <file>', 'write to a file')
    .action(async (id: string, opts) => done(await getEvidence(clientFromEnv(), id, opts.out, print)));
  evidence
    .command('verify <file>')
    .requiredOption('--key <pem-or-url>', 'a PEM public key, a saved /evidence/keys JSON file, or its URL')
    .action(async (file: string, opts) => done(await verifyEvidence(file, opts.key, print)));

  program
    .command('doctor')
    .description('check configuration, server health and authentication')
    .action(async () => done(await doctor(clientFromEnv(), print)));

  return program;
}
