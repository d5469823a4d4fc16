/**
 * What schemathesis is told beyond /docs-json: the API's rules that no OpenAPI schema can state. For each,
 * the operations it applies to and the statuses a schema-valid request may get there because of it, on
 * top of schemathesis's defaults (2xx, 3xx, 401, 403, 404, 409, 429). Any other status still fails, and
 * every other check stays on. Written out as a schemathesis.toml for the run; printed with the figures.
 */
export interface ContractRule {
  operations: string[];
  /** Extra statuses a schema-valid request may get on these operations. */
  statuses: number[];
  why: string;
  /** The check the statuses widen (default: schema-valid requests are accepted). */
  check?: 'positive_data_acceptance' | 'not_a_server_error' | 'missing_required_header';
}

export const CONTRACT_RULES: ContractRule[] = [
  {
    operations: ['GET /worlds', 'GET /library', 'GET /orgs/{org}/audit', 'GET /worlds/{slug}/audit'],
    statuses: [400],
    why: 'a cursor is opaque: only a nextCursor this server gave is taken',
  },
  {
    operations: ['GET /orgs/{org}/usage'],
    statuses: [400],
    why: 'from must not be after to',
  },
  {
    operations: ['POST /auth/siwe', 'POST /auth/wallets'],
    statuses: [400],
    why: 'the message must be an EIP-4361 message for this domain with a nonce this server issued',
  },
  {
    operations: ['GET /embeds/{slug}', 'POST /embeds/{slug}/sessions'],
    statuses: [400],
    why: 'an embed key or an embed token, not both; the token must verify',
  },
  {
    operations: ['POST /nft/bindings'],
    statuses: [400],
    why: "the token must exist on the named chain and the target (world, frame, portal) in the caller's world",
  },
  {
    operations: ['POST /orgs/{org}/worlds/import'],
    statuses: [400],
    why: 'an archive must agree with itself: its draft and versions parse as scenes, its assets are present',
  },
  {
    operations: ['POST /auth/keys', 'POST /worlds/{slug}/keys'],
    statuses: [400],
    why: 'an embed key names the sites that may show the world; a secret key names none',
  },
  {
    operations: [
      'POST /worlds/{slug}/kicks/{accountId}',
      'PUT /worlds/{slug}/bans/{accountId}',
      'PUT /worlds/{slug}/mutes/{accountId}',
      'PUT /worlds/{slug}/roles/{accountId}',
      'DELETE /worlds/{slug}/roles/{accountId}',
    ],
    statuses: [400],
    why: 'nobody kicks, bans, mutes or demotes themselves; a ban or mute ends in the future',
  },
  {
    operations: ['PUT /orgs/{org}/members'],
    statuses: [422],
    why: 'a member is added by the email of a registered account',
  },
  {
    operations: ['PATCH /library/{id}'],
    statuses: [400],
    why: "an asset moves only into a world of its own organization's",
  },
  {
    operations: ['PUT /worlds/{slug}/scene-limits'],
    statuses: [400],
    why: "a world's scene limits stay within its organization's plan",
  },
  {
    operations: [
      'PUT /worlds/{slug}/scene/draft',
      'PATCH /worlds/{slug}/scene/draft',
      'POST /worlds/{slug}/scene/publish',
      'POST /worlds/{slug}/scene/versions/{version}/rollback',
    ],
    statuses: [400, 412, 422],
    why:
      'a scene must hold together (parents exist, no cycles, assets known); If-Match must be the ' +
      "draft's current ETag; a JSON Patch must apply; a published scene stays within the world's limits",
  },
  {
    operations: ['PUT /worlds/{slug}/token-gate'],
    statuses: [400],
    why: 'every rule names a chain this server reads (CHAINS) and a contract on it',
  },
  {
    operations: ['PUT /worlds/{slug}/scene/draft', 'PATCH /worlds/{slug}/scene/draft'],
    statuses: [428],
    why: 'RFC 6585 §3: a write without its required If-Match is answered 428 Precondition Required',
    check: 'missing_required_header',
  },
  {
    operations: ['GET /oembed'],
    statuses: [501],
    why: 'oEmbed 1.0 §2.3.4: a format the provider does not offer (xml) is answered 501',
    check: 'not_a_server_error',
  },
];

/** The rules as a schemathesis.toml (one `[[operations]]` table per operation and check). */
export function rulesToml(rules: ContractRule[]): string {
  const defaults: Record<NonNullable<ContractRule['check']>, string[]> = {
    positive_data_acceptance: ['2xx', '3xx', '401', '403', '404', '409', '429', '5xx'],
    not_a_server_error: ['2xx', '3xx', '4xx'],
    missing_required_header: ['400', '401', '403', '406', '415', '422'],
  };
  const tables = new Map<string, { check: string; statuses: Set<string> }>();
  for (const rule of rules) {
    const check = rule.check ?? 'positive_data_acceptance';
    for (const operation of rule.operations) {
      const table = tables.get(`${check} ${operation}`) ?? { check, statuses: new Set(defaults[check]) };
      for (const status of rule.statuses) table.statuses.add(String(status));
      tables.set(`${check} ${operation}`, table);
    }
  }
  return [...tables.entries()]
    .map(([key, { check, statuses }]) => {
      const operation = key.slice(check.length + 1);
      return [
        '[[operations]]',
        `include-name = ${JSON.stringify(operation)}`,
        `checks.${check}.expected-statuses = ${JSON.stringify([...statuses])}`,
        '',
      ].join('\n');
    })
    .join('\n');
}
