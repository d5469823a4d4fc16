/**
 * Clients that came in through an embed (a public embed key, or a token minted with a secret key), by the
 * key behind it. Every EMBED_REVOCATION_CHECK_SECONDS (30 s by default) the room asks which of those keys
 * were revoked — from any process: it reads the database — and sends their clients away, so a revoked key
 * ends running embeds within a minute (new embeds are refused at once by the authenticator).
 */
import type { Logger } from 'pino';
import { MINTED_BY_SESSION, type Principal } from '../control-plane/index.js';

export class EmbedRevocations {
  private readonly keyOf = new Map<string, string>();

  constructor(private readonly revoked: (keyIds: readonly string[]) => Promise<Set<string>>) {}

  /** Remembers the key behind a client's embed, if it came through one. */
  track(sessionId: string, principal: Principal | undefined): void {
    if (principal?.kind === 'key' && principal.embed && principal.keyId !== MINTED_BY_SESSION)
      this.keyOf.set(sessionId, principal.keyId);
  }

  forget(sessionId: string): void {
    this.keyOf.delete(sessionId);
  }

  /**
   * The sessions whose embed key has been revoked since they joined; none when the check fails (logged:
   * the next sweep tries again).
   */
  async sweep(log: Logger): Promise<string[]> {
    if (this.keyOf.size === 0) return [];
    try {
      const revoked = await this.revoked([...new Set(this.keyOf.values())]);
      return [...this.keyOf].filter(([, keyId]) => revoked.has(keyId)).map(([sessionId]) => sessionId);
    } catch (error) {
      log.warn({ err: error }, 'checking embed keys failed; trying again at the next sweep');
      return [];
    }
  }
}
