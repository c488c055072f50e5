import type { DecisionCommentPolicy } from '../protocol/enums.js';
import {
  hashSecret,
  newApiKey,
  newReviewerToken,
  newWebhookSecret,
  randomId,
  secretPrefix,
} from './auth/credentials.js';
import { issueLoginLink } from './console/session.js';
import { rotateEvidenceKey } from './evidence/signing-keys.js';
import type { ApiKeyRecord, OrgRecord, PolicyRule, ReviewerRecord } from './model.js';
import type { Store } from './store/store.js';

export interface CreatedOrganisation {
  org_id: string;
  api_key: string;
  webhook_secret: string;
  reviewer_token: string;
  reviewer_id: string;
  base_url: string;
}

/**
 * Organisation, API key and reviewer management shared by the admin CLI and tests. Secrets are returned once,
 * here, and stored only as hashes.
 */
export function createAdmin(store: Store, options: { clock?: () => number; baseUrl: string }) {
  const now = () => new Date((options.clock ?? Date.now)()).toISOString();

  async function requireOrg(orgId: string): Promise<OrgRecord> {
    const org = await store.getOrg(orgId);
    if (!org) throw new Error(`No organisation ${orgId}; list them with \`admin org list\``);
    return org;
  }

  async function createApiKey(
    orgId: string,
    input: { label?: string; agentId?: string; ownerReviewerId?: string; mode?: 'live' | 'test' } = {},
  ) {
    await requireOrg(orgId);
    const key = newApiKey(input.mode ?? 'live');
    const record: ApiKeyRecord = {
      id: randomId('key'),
      org_id: orgId,
      label: input.label ?? 'agent',
      key_prefix: secretPrefix(key),
      key_hash: hashSecret(key),
      agent_id: input.agentId ?? null,
      owner_reviewer_id: input.ownerReviewerId ?? null,
      revoked_at: null,
      created_at: now(),
    };
    await store.createApiKey(record);
    return { id: record.id, api_key: key, key_prefix: record.key_prefix };
  }

  async function createReviewer(
    orgId: string,
    input: { name: string; email?: string; roles?: string[]; departments?: string[]; admin?: boolean },
  ) {
    await requireOrg(orgId);
    const token = newReviewerToken();
    const record: ReviewerRecord = {
      id: randomId('op'),
      org_id: orgId,
      name: input.name,
      email: input.email ?? null,
      roles: input.roles ?? [],
      departments: input.departments ?? [],
      is_admin: input.admin ?? false,
      token_prefix: secretPrefix(token),
      token_hash: hashSecret(token),
      revoked_at: null,
      created_at: now(),
    };
    await store.createReviewer(record);
    return {
      id: record.id,
      reviewer_token: token,
      name: record.name,
      roles: record.roles,
      is_admin: record.is_admin,
    };
  }

  return {
    async createOrganisation(input: {
      name: string;
      decisionCommentPolicy?: DecisionCommentPolicy;
      callbackAllowlist?: string[];
      reviewerName?: string;
      apiKeyMode?: 'live' | 'test';
    }): Promise<CreatedOrganisation> {
      const org: OrgRecord = {
        id: randomId('org'),
        name: input.name,
        webhook_secret: newWebhookSecret(),
        webhook_secret_previous: null,
        webhook_secret_previous_until: null,
        decision_comment_policy: input.decisionCommentPolicy ?? 'risk_based',
        callback_allowlist: input.callbackAllowlist ?? [],
        created_at: now(),
      };
      await store.createOrg(org);
      const key = await createApiKey(org.id, { label: 'default', mode: input.apiKeyMode ?? 'live' });
      const reviewer = await createReviewer(org.id, {
        name: input.reviewerName ?? 'Admin',
        roles: [],
        admin: true,
      });
      return {
        org_id: org.id,
        api_key: key.api_key,
        webhook_secret: org.webhook_secret,
        reviewer_token: reviewer.reviewer_token,
        reviewer_id: reviewer.id,
        base_url: options.baseUrl,
      };
    },
    listOrganisations: async () =>
      (await store.listOrgs()).map(({ webhook_secret: _s, webhook_secret_previous: _p, ...org }) => org),
    createApiKey,
    listApiKeys: async (orgId: string) =>
      (await store.listApiKeys(orgId)).map(({ key_hash: _h, ...key }) => key),
    revokeApiKey: async (orgId: string, id: string) => store.revokeApiKey(orgId, id, now()),
    createReviewer,
    listReviewers: async (orgId: string) =>
      (await store.listReviewers(orgId)).map(({ token_hash: _h, ...r }) => r),
    revokeReviewer: async (orgId: string, id: string) => store.revokeReviewer(orgId, id, now()),
    /**
     * A single-use console sign-in link, valid 10 minutes. The secret sits in the URL fragment, which browsers
     * never send to servers, proxies or in a Referer.
     */
    async createLoginLink(orgId: string, reviewerId: string) {
      const reviewer = await store.getReviewer(orgId, reviewerId);
      if (!reviewer || reviewer.revoked_at)
        throw new Error(
          `No active reviewer ${reviewerId} in ${orgId}; list them with \`admin reviewer list\``,
        );
      const { code, expires_at } = await issueLoginLink(store, reviewer, (options.clock ?? Date.now)());
      const site = options.baseUrl.replace(/\/api\/centcom\/v1\/?$/, '');
      return { url: `${site}/console/login#code=${code}`, expires_at: new Date(expires_at).toISOString() };
    },
    /** Adds an organisation rule; requests matching it get its requirements on top of their own. */
    async addPolicyRule(orgId: string, input: Omit<PolicyRule, 'id' | 'created_at'>) {
      const org = await requireOrg(orgId);
      const hasMatch = Object.values(input.match).some((v) => v !== undefined);
      if (!hasMatch)
        throw new Error('A rule needs at least one of --action-type, --tool or --risk to match on.');
      if (input.match.risk_level && !['low', 'medium', 'high', 'critical'].includes(input.match.risk_level)) {
        throw new Error('--risk must be low, medium, high or critical.');
      }
      if (
        input.min_approvals !== undefined &&
        (!Number.isInteger(input.min_approvals) || input.min_approvals < 1)
      ) {
        throw new Error('--min-approvals must be a whole number of at least 1.');
      }
      const rule: PolicyRule = { ...input, id: randomId('rule'), created_at: now() };
      await store.updateOrg({ ...org, policy_rules: [...(org.policy_rules ?? []), rule] });
      return rule;
    },
    listPolicyRules: async (orgId: string) => (await requireOrg(orgId)).policy_rules ?? [],
    async removePolicyRule(orgId: string, id: string) {
      const org = await requireOrg(orgId);
      const rules = org.policy_rules ?? [];
      await store.updateOrg({ ...org, policy_rules: rules.filter((r) => r.id !== id) });
      return rules.some((r) => r.id === id);
    },
    /** New evidence signing key; older keys stay published so their packets keep verifying. */
    async rotateEvidenceKey() {
      const key = await rotateEvidenceKey(store, (options.clock ?? Date.now)());
      return { key_id: key.key_id, public_key: key.public_key, created_at: key.created_at };
    },
    /** Signature headers this organisation's webhooks carry. */
    async setWebhookFormat(orgId: string, format: 'centcom' | 'standard') {
      const org = await requireOrg(orgId);
      await store.updateOrg({ ...org, webhook_format: format });
      return { org_id: orgId, webhook_format: format };
    },
    /** New webhook secret; the old one keeps signing alongside it for `overlapMs`. */
    async rotateWebhookSecret(orgId: string, overlapMs = 24 * 3600_000) {
      const org = await requireOrg(orgId);
      const secret = newWebhookSecret();
      const until = new Date((options.clock ?? Date.now)() + overlapMs).toISOString();
      await store.updateOrg({
        ...org,
        webhook_secret: secret,
        webhook_secret_previous: org.webhook_secret,
        webhook_secret_previous_until: until,
      });
      return { webhook_secret: secret, previous_valid_until: until };
    },
  };
}

export type Admin = ReturnType<typeof createAdmin>;
