/**
 * Why joining a world failed, in words a visitor can act on, from the matchmaker's answer (its status code
 * and the server's own reason, which names the ban, the token a gate asks for, or the limit reached).
 */
export interface JoinFailure {
  /** What the visitor reads. */
  message: string;
  /** Worth trying again by itself (the server could not be reached); otherwise the visitor must act. */
  retry: boolean;
  /** Signing in (with an account allowed in) would help. */
  signIn: boolean;
  /** The server said no for a reason (private, banned, gated, full): trying again alone will not help. */
  refusal: boolean;
  /** The instance asked for (an invite link) is full or over: another instance of the world would do. */
  otherInstance?: boolean;
}

export function describeJoinError(error: unknown): JoinFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : 0;
  const reason = message.replace(/^join: /, '');
  if (code === 0 && /fetch|network|ECONNREFUSED|Failed to|socket|connect/i.test(message))
    return { message: 'The world server cannot be reached.', retry: true, signIn: false, refusal: false };
  if (/^avatar: /.test(message))
    return {
      message: `Your avatar cannot be worn here: ${message.replace(/^avatar: /, '')}.`,
      retry: false,
      signIn: false,
      refusal: true,
    };
  if (/^preview: /.test(message) && (code === 401 || code === 403 || code === 404))
    return {
      message: `Previews of a world's draft are for its editors (${message.replace(/^preview: /, '')}). Sign in as one of them.`,
      retry: false,
      signIn: true,
      refusal: true,
    };
  switch (code) {
    case 401:
    case 404:
      return {
        message: `This world is private or does not exist (${reason}). Sign in with an account that may visit it.`,
        retry: false,
        signIn: true,
        refusal: true,
      };
    case 403:
      return /banned/i.test(reason)
        ? { message: `You are banned from this world: ${reason}`, retry: false, signIn: false, refusal: true }
        : {
            message: `This world asks for something you do not hold: ${reason}`,
            retry: false,
            signIn: true,
            refusal: true,
          };
    case 429:
      return {
        message: `The world is full right now: ${reason}. Try again in a minute.`,
        retry: false,
        signIn: false,
        refusal: true,
      };
    case 522: // MATCHMAKE_INVALID_ROOM_ID: joinById on an instance that is locked (full) or gone
      return {
        message: /locked/.test(reason)
          ? 'That instance is full. Join another instance of the world instead.'
          : 'That instance has ended. Join another instance of the world instead.',
        retry: false,
        signIn: false,
        refusal: true,
        otherInstance: true,
      };
    case 524: // MATCHMAKE_EXPIRED: the seat kept for this visitor expired before its socket arrived
      return {
        message: 'Joining took longer than the world keeps a place for you.',
        retry: true,
        signIn: false,
        refusal: false,
      };
    case 503:
      return {
        message: `The world cannot check who may enter right now: ${reason}`,
        retry: true,
        signIn: false,
        refusal: false,
      };
    default:
      return { message: reason || 'Joining the world failed.', retry: false, signIn: false, refusal: false };
  }
}
