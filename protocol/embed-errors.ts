/**
 * The embed widget's stable error codes (docs/embed.md): the server's refusals of an embed, then the
 * widget's own. Pure and dependency-free: the widget's loader imports this file alone (not the index,
 * which would bring zod into a page that only shows a poster).
 */
export const EMBED_SERVER_ERROR_CODES = [
  'bad-embed',
  'world-not-found',
  'key-invalid',
  'key-revoked',
  'origin-not-allowed',
  'world-private',
  'token-expired',
] as const;
export type EmbedServerErrorCode = (typeof EMBED_SERVER_ERROR_CODES)[number];

export type EmbedErrorCode =
  | EmbedServerErrorCode
  | 'unreachable'
  | 'world-full'
  | 'join-refused'
  | 'removed'
  | 'not-joined'
  | 'bad-argument'
  | 'busy'
  | 'frame-failed';
