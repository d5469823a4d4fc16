/**
 * Which uploaded avatars a visitor may wear (the join option `avatarModel`): an asset processed with the
 * `avatar` profile, whose licence lets this visitor wear it — a VRM's meta.avatarPermission "everyone",
 * or, for "onlyAuthor" and "onlySeparatelyLicensedPerson", only the account that uploaded it (the
 * pipeline cannot know the author; the uploader answers for their upload).
 */
import type { Kysely } from 'kysely';
import type { AssetReport } from '../../asset-pipeline/index.js';
import type { Database } from '../db/tables.js';

/** Why a join's avatar is refused: an HTTP-like status and a message naming the fix. */
export interface AvatarRefusal {
  status: 403 | 404;
  message: string;
}

export class AvatarWardrobe {
  constructor(private readonly db: Kysely<Database>) {}

  /** Undefined when `accountId` (null: a guest) may wear asset `hash`; else why not. */
  async refusal(hash: string, accountId: string | null): Promise<AvatarRefusal | undefined> {
    const asset = await this.db
      .selectFrom('assets')
      .select(['profile', 'report'])
      .where('hash', '=', hash)
      .executeTakeFirst();
    if (!asset || asset.profile !== 'avatar')
      return {
        status: 404,
        message: `avatarModel ${hash.slice(0, 12)}… is not an uploaded avatar; upload a VRM 1.0 or rigged glTF with profile=avatar and pick it once it is processed`,
      };
    const avatar = (asset.report as AssetReport).avatar;
    if (!avatar || avatar.permission === 'everyone') return undefined;
    const own = accountId
      ? await this.db
          .selectFrom('asset_jobs')
          .select('id')
          .where('asset_hash', '=', hash)
          .where('account_id', '=', accountId)
          .executeTakeFirst()
      : undefined;
    if (own) return undefined;
    const name = avatar.name ? `"${avatar.name}"` : 'this avatar';
    return {
      status: 403,
      message: `${name} is licensed for its author only (VRM avatarPermission "${avatar.permission}"): only the account that uploaded it may wear it; pick another avatar or the default figure`,
    };
  }
}
