/**
 * Embeds of a world on other sites. An embed key is public, so everything here checks three things before
 * it answers: the key (live, embed scope, this world) or a token minted by the world's backend, the
 * embedding page's origin (one the key lists), and the world's visibility (a public key shows public and
 * unlisted worlds only; a private one needs a minted token). What an embed is then given — the poster's
 * facts, a short-lived embed token to join with — is no more than an anonymous visitor gets.
 */
import type { Kysely } from 'kysely';
import type { Database, World } from '../../db/tables.js';
import { hashSecret, secretKindOf } from '../auth/secret-tokens.js';
import { isEmbedToken, type EmbedTokens, type VerifiedEmbedGrant } from '../auth/embed-tokens.js';
import { liveKeyIds } from '../keys/api-keys-service.js';
import { Problem } from '../api/problem.js';
import type { InstanceDirectory } from '../instances/instance-directory.js';
import type { AccountsService } from '../auth/accounts-service.js';
import { embedProblem } from './embed-problems.js';

/** How long an embed token from a public key lasts, in seconds (the page asks again to rejoin). */
export const EMBED_SESSION_SECONDS = 15 * 60;
/** Bounds of a minted token's life, in seconds. */
export const MINTED_TOKEN_SECONDS = { min: 60, max: 3_600, default: 600 } as const;

/** How the embedding page shows the world: a public embed key, or a token the world's backend minted. */
export type EmbedCredential = { key: string } | { token: string };

/** An embed that passed every check. */
export interface ResolvedEmbed {
  world: World;
  /** The key behind it (null for a token minted by a signed-in owner). */
  keyId: string | null;
  /** The origins that may frame it. */
  origins: string[];
  private: boolean;
  /** The grant of the token it came with (a minted token), already verified. */
  minted?: VerifiedEmbedGrant;
}

export interface EmbedPoster {
  world: { slug: string; name: string; description: string; thumbnailUrl: string | null };
  /** Visitors in the world now, across instances (spectators not counted). */
  population: number;
  /** Whether visitors may talk, and show a camera: the frame then asks for the microphone and camera. */
  voice: boolean;
  camera: boolean;
}

const secondsUntil = (epochMs: number): number => Math.max(0, Math.floor((epochMs - Date.now()) / 1000));

export class EmbedService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tokens: EmbedTokens,
    private readonly instances: InstanceDirectory,
    /** Makes the guest account an embed visitor joins as (voice needs one). */
    private readonly accounts: Pick<AccountsService, 'createGuest'>,
  ) {}

  /**
   * Checks an embed of world `slug` shown on `origin`. `origin` undefined skips the origin check (the
   * embed page itself: its framing is enforced by the browser through frame-ancestors).
   */
  async resolve(
    slug: string,
    credential: EmbedCredential,
    origin: string | undefined,
  ): Promise<ResolvedEmbed> {
    const world = await this.db.selectFrom('worlds').selectAll().where('slug', '=', slug).executeTakeFirst();
    if (!world)
      throw embedProblem(
        'world-not-found',
        `there is no world "${slug}"; check the world attribute (the world's slug)`,
      );
    let resolved: ResolvedEmbed;
    if ('token' in credential) {
      if (!isEmbedToken(credential.token))
        throw embedProblem(
          'bad-embed',
          'an embed token starts with mibet_; pass the token your backend minted',
        );
      const grant = await this.tokens.verify(credential.token).catch((error: unknown) => {
        const expired = error instanceof Problem && /expired/.test(error.message);
        throw embedProblem(
          expired ? 'token-expired' : 'key-invalid',
          expired
            ? 'the embed token has expired; the embedding page must mint a new one'
            : 'the embed token is not valid; mint a new one with POST /worlds/<slug>/embed-tokens',
        );
      });
      if (grant.worldId !== world.id)
        throw embedProblem('key-invalid', `this embed token is for another world, not "${slug}"`);
      if (grant.keyId) await this.liveKey(grant.keyId);
      resolved = {
        world,
        keyId: grant.keyId,
        origins: [grant.origin],
        private: grant.private,
        minted: grant,
      };
    } else {
      const row = await this.keyRow(credential.key);
      if (row.world_id !== world.id)
        throw embedProblem('key-invalid', `this embed key is for another world, not "${slug}"`);
      resolved = { world, keyId: row.id, origins: row.origins, private: false };
    }
    if (world.visibility === 'private' && !resolved.private)
      throw embedProblem(
        'world-private',
        `world "${slug}" is private: embed it with a token your site's backend mints (POST /worlds/${slug}/embed-tokens), never with the public key`,
      );
    if (origin !== undefined && !resolved.origins.includes(origin))
      throw embedProblem(
        'origin-not-allowed',
        `this embed is not allowed on ${origin}; add that site to the key's origins in the studio's Share panel`,
      );
    return resolved;
  }

  /** What the widget's poster shows, for a page on `origin`. */
  async poster(slug: string, credential: EmbedCredential, origin: string | undefined): Promise<EmbedPoster> {
    if (!origin)
      throw embedProblem(
        'origin-not-allowed',
        'an embed is shown from a web page (the request had no Origin header)',
      );
    const { world } = await this.resolve(slug, credential, origin);
    return this.posterOf(world);
  }

  async posterOf(world: World): Promise<EmbedPoster> {
    const instances = await this.instances.instancesOf(world.slug);
    return {
      world: {
        slug: world.slug,
        name: world.name,
        description: world.description,
        // The poster's copy (at most 640 wide, tens of kB): a page that only shows the poster stays light.
        // A private world's picture is not served to anonymous requests (an <img> sends no token): none.
        thumbnailUrl:
          world.thumbnail_asset && world.visibility !== 'private'
            ? `/worlds/${world.slug}/thumbnail?width=640`
            : null,
      },
      population: instances.reduce((sum, instance) => sum + instance.visitors, 0),
      voice: world.voice_mode !== 'off',
      camera: world.voice_mode !== 'off' && world.allow_camera,
    };
  }

  /**
   * An embed token for the embed page of a page on `host` (the page's top origin, as the frame sees it):
   * the public key's own check, done again here because the page's requests come from this server's origin.
   */
  async session(
    slug: string,
    credential: EmbedCredential,
    host: string,
    /** The request's Origin: the embed page's own. A page framed by this server itself (the studio's
     * preview), or opened on its own, names this origin as its host; the key need not list it. */
    self: string | undefined,
    /** A visitor about to join (not watch): a guest account is made for it, named so (voice needs one). */
    visitor?: { name: string },
  ): Promise<{ token: string; expiresIn: number; poster: EmbedPoster }> {
    const embed = await this.resolve(slug, credential, host === self ? undefined : host);
    const poster = await this.posterOf(embed.world);
    // A minted token's grant (private worlds) carries over, and so does its expiry.
    const { minted } = embed;
    if (minted && !visitor && 'token' in credential)
      return { token: credential.token, expiresIn: secondsUntil(minted.expiresAt), poster };
    const expiresIn = minted
      ? Math.min(secondsUntil(minted.expiresAt), EMBED_SESSION_SECONDS)
      : EMBED_SESSION_SECONDS;
    const guest = visitor ? await this.accounts.createGuest(visitor.name) : undefined;
    const grant = {
      worldId: embed.world.id,
      orgId: embed.world.org_id,
      keyId: embed.keyId,
      origin: minted?.origin ?? host,
      private: minted?.private ?? false,
      visitor: guest && { accountId: guest.id, name: guest.display_name },
    };
    return { token: await this.tokens.issue(grant, Math.max(1, expiresIn)), expiresIn, poster };
  }

  /** A token for a private (or any) world, minted by its backend for a page on `origin`. */
  async mint(
    world: World,
    keyId: string | null,
    origin: string,
    ttlSeconds: number,
  ): Promise<{ token: string; expiresIn: number }> {
    const grant = { worldId: world.id, orgId: world.org_id, keyId, origin, private: true };
    return { token: await this.tokens.issue(grant, ttlSeconds), expiresIn: ttlSeconds };
  }

  /**
   * What a share link shows to link previews (Open Graph) and oEmbed consumers: a public or unlisted
   * world's name, description and thumbnail; undefined for a private or missing one (its name must not
   * leak).
   */
  async shareFacts(
    slug: string,
  ): Promise<{ name: string; description: string; thumbnail: boolean } | undefined> {
    const world = await this.db
      .selectFrom('worlds')
      .select(['name', 'description', 'visibility', 'thumbnail_asset'])
      .where('slug', '=', slug)
      .executeTakeFirst();
    if (!world || world.visibility === 'private') return undefined;
    return { name: world.name, description: world.description, thumbnail: world.thumbnail_asset !== null };
  }

  /** The origins that may frame `/embed/<slug>` with this credential; [] when it is not a valid embed. */
  async frameAncestors(slug: string, credential: EmbedCredential): Promise<string[]> {
    try {
      return (await this.resolve(slug, credential, undefined)).origins;
    } catch (error) {
      if (error instanceof Problem) return [];
      throw error;
    }
  }

  /** Which of `keyIds` have been revoked (or deleted with their world): running rooms ask every half minute. */
  async revoked(keyIds: readonly string[]): Promise<Set<string>> {
    const live = await liveKeyIds(this.db, keyIds);
    return new Set(keyIds.filter((id) => !live.has(id)));
  }

  private async keyRow(key: string) {
    const kind = secretKindOf(key);
    if (kind !== 'embedKey' && kind !== 'apiKey')
      throw embedProblem(
        'bad-embed',
        "an embed key starts with mibe_; copy it from the studio's Share panel",
      );
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'world_id', 'scopes', 'origins', 'revoked_at'])
      .where('key_hash', '=', hashSecret(key))
      .executeTakeFirst();
    if (!row)
      throw embedProblem(
        'key-invalid',
        "this embed key is unknown; copy it again from the studio's Share panel",
      );
    if (row.revoked_at)
      throw embedProblem(
        'key-revoked',
        'this embed key has been revoked; the site needs a new one from the studio',
      );
    if (row.scopes.length !== 1 || row.scopes[0] !== 'embed')
      throw embedProblem(
        'key-invalid',
        "this is not an embed key (a secret key must never sit in a page); create an embed key in the studio's Share panel",
      );
    return row;
  }

  private async liveKey(keyId: string): Promise<void> {
    if (!(await liveKeyIds(this.db, [keyId])).has(keyId))
      throw embedProblem(
        'key-revoked',
        'the key behind this embed token has been revoked; the site needs a new one',
      );
  }
}
