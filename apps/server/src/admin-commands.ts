import { type Admin, createAdmin } from '@contro1/core/server';
import type { Command } from 'commander';
import { type ConfigFlags, invocationDir, loadConfig } from './config.js';
import { openStore } from './open-store.js';

type Print = (line: string) => void;

async function withAdmin<T>(flags: ConfigFlags, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const config = loadConfig(flags, process.env, invocationDir());
  const store = await openStore(config.database, false);
  try {
    const base = config.publicUrl ?? `http://${config.host}:${config.port}`;
    return await fn(createAdmin(store, { baseUrl: `${base}/api/centcom/v1` }));
  } finally {
    await store.close();
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `admin …`: organisations, API keys, reviewers and webhook secrets, straight on the database. Output is JSON. */
export function registerAdminCommands(program: Command, print: Print): void {
  const admin = program
    .command('admin')
    .description('manage organisations, API keys and reviewers (JSON output)');
  const dbOption = (cmd: Command) =>
    cmd
      .option('--db <path>', 'SQLite file (env CONTRO1_DATABASE_URL)')
      .option('--public-url <url>', 'public URL (env PUBLIC_URL)');
  const out = (value: unknown) => print(JSON.stringify(value, null, 2));

  const org = admin.command('org').description('organisations');
  dbOption(
    org
      .command('create')
      .description('create an organisation with an API key, webhook secret and admin reviewer'),
  )
    .requiredOption('--name <name>', 'organisation name')
    .option('--comment-policy <policy>', 'optional | risk_based | always', 'risk_based')
    .option(
      '--allow-callback-host <host>',
      'host allowed to resolve to a private address (repeatable)',
      collect,
    )
    .action(async (opts) => {
      if (!['optional', 'risk_based', 'always'].includes(opts.commentPolicy)) {
        throw new Error('--comment-policy must be optional, risk_based or always.');
      }
      out(
        await withAdmin(opts, (a) =>
          a.createOrganisation({
            name: opts.name,
            decisionCommentPolicy: opts.commentPolicy,
            callbackAllowlist: opts.allowCallbackHost ?? [],
          }),
        ),
      );
    });
  dbOption(org.command('list').description('list organisations')).action(async (opts) =>
    out(await withAdmin(opts, (a) => a.listOrganisations())),
  );
  dbOption(
    org
      .command('rotate-webhook-secret')
      .description('new webhook secret; the old one keeps signing during the overlap'),
  )
    .requiredOption('--org <id>', 'organisation id')
    .option('--overlap-hours <n>', 'hours both secrets sign', '24')
    .action(async (opts) =>
      out(
        await withAdmin(opts, (a) => a.rotateWebhookSecret(opts.org, Number(opts.overlapHours) * 3_600_000)),
      ),
    );

  dbOption(
    admin
      .command('migrate')
      .description('create or update the database schema (the server also does this on start)'),
  ).action(async (opts) => out(await withAdmin(opts, async () => ({ migrated: true }))));

  const evidence = admin.command('evidence-key').description('Ed25519 keys that sign evidence packets');
  dbOption(
    evidence.command('rotate').description('new signing key; old keys stay published at /evidence/keys'),
  ).action(async (opts) => out(await withAdmin(opts, (a) => a.rotateEvidenceKey())));

  const rule = admin
    .command('rule')
    .description('organisation rules that requests can tighten but never loosen');
  dbOption(
    rule.command('add').description('add a rule; matching requests get its requirements on top of their own'),
  )
    .requiredOption('--org <id>', 'organisation id')
    .option('--action-type <type>', 'match context.action_type')
    .option('--tool <name>', 'match the tool name')
    .option('--risk <level>', 'match this risk level and above (low|medium|high|critical)')
    .option('--min-approvals <n>', 'at least this many distinct approvals')
    .option('--role <role>', 'an approval from this role is required (repeatable)', collect)
    .option('--comment-required', 'every decision needs a comment')
    .action(async (opts) => {
      const input: Parameters<Admin['addPolicyRule']>[1] = {
        match: {
          ...(opts.actionType ? { action_type: opts.actionType } : {}),
          ...(opts.tool ? { tool_name: opts.tool } : {}),
          ...(opts.risk ? { risk_level: opts.risk } : {}),
        },
      };
      if (opts.minApprovals !== undefined) input.min_approvals = Number(opts.minApprovals);
      if (opts.role) input.required_roles = opts.role;
      if (opts.commentRequired) input.comment_required = true;
      out(await withAdmin(opts, (a) => a.addPolicyRule(opts.org, input)));
    });
  dbOption(rule.command('list').description('list rules'))
    .requiredOption('--org <id>', 'organisation id')
    .action(async (opts) => out(await withAdmin(opts, (a) => a.listPolicyRules(opts.org))));
  dbOption(rule.command('remove').description('remove a rule (requests already created keep their policy)'))
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <id>', 'rule id')
    .action(async (opts) =>
      out({ removed: await withAdmin(opts, (a) => a.removePolicyRule(opts.org, opts.id)) }),
    );

  dbOption(
    org
      .command('webhook-format')
      .description('signature headers: centcom (X-CentCom-Signature) or standard (Standard Webhooks)'),
  )
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--format <format>', 'centcom | standard')
    .action(async (opts) => {
      if (opts.format !== 'centcom' && opts.format !== 'standard')
        throw new Error('--format must be centcom or standard.');
      out(await withAdmin(opts, (a) => a.setWebhookFormat(opts.org, opts.format)));
    });

  const key = admin.command('api-key').description('agent API keys');
  dbOption(key.command('create').description('create an agent API key'))
    .requiredOption('--org <id>', 'organisation id')
    .option('--label <label>', 'label', 'agent')
    .option('--agent-id <id>', 'agent this key acts for')
    .option('--owner-reviewer <id>', 'reviewer who owns the key (excluded by separation of duties)')
    .option('--test', 'make a cc_test_ key instead of cc_live_')
    .action(async (opts) =>
      out(
        await withAdmin(opts, (a) =>
          a.createApiKey(opts.org, {
            label: opts.label,
            agentId: opts.agentId,
            ownerReviewerId: opts.ownerReviewer,
            mode: opts.test ? 'test' : 'live',
          }),
        ),
      ),
    );
  dbOption(key.command('list').description('list API keys (prefixes only)'))
    .requiredOption('--org <id>', 'organisation id')
    .action(async (opts) => out(await withAdmin(opts, (a) => a.listApiKeys(opts.org))));
  dbOption(key.command('revoke').description('revoke an API key'))
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <id>', 'key id')
    .action(async (opts) =>
      out({ revoked: await withAdmin(opts, (a) => a.revokeApiKey(opts.org, opts.id)) }),
    );

  const reviewer = admin.command('reviewer').description('reviewers (operators) who answer requests');
  dbOption(reviewer.command('create').description('create a reviewer and print its token'))
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--name <name>', 'display name')
    .option('--email <email>', 'email')
    .option('--role <role>', 'role (repeatable)', collect)
    .option('--admin', 'organisation admin (answers requests for unmapped roles)')
    .action(async (opts) =>
      out(
        await withAdmin(opts, (a) =>
          a.createReviewer(opts.org, {
            name: opts.name,
            email: opts.email,
            roles: opts.role ?? [],
            admin: Boolean(opts.admin),
          }),
        ),
      ),
    );
  dbOption(reviewer.command('list').description('list reviewers'))
    .requiredOption('--org <id>', 'organisation id')
    .action(async (opts) => out(await withAdmin(opts, (a) => a.listReviewers(opts.org))));
  dbOption(
    reviewer
      .command('login-link')
      .description('print a single-use console sign-in link for a reviewer (valid 10 minutes)'),
  )
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <id>', 'reviewer id')
    .action(async (opts) => out(await withAdmin(opts, (a) => a.createLoginLink(opts.org, opts.id))));
  dbOption(reviewer.command('revoke').description('revoke a reviewer token'))
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--id <id>', 'reviewer id')
    .action(async (opts) =>
      out({ revoked: await withAdmin(opts, (a) => a.revokeReviewer(opts.org, opts.id)) }),
    );
}
