/**
 * What can stop an embed, each with a stable `code` (the widget's `error` event carries it) and words that
 * name the fix. The codes are public API: docs/embed.md lists them.
 */
import type { EmbedServerErrorCode as EmbedErrorCode } from '../../../protocol/index.js';
import { Problem } from '../api/problem.js';

export function embedProblem(code: EmbedErrorCode, detail: string): Problem {
  const status =
    code === 'bad-embed'
      ? 400
      : code === 'world-not-found'
        ? 404
        : code === 'origin-not-allowed' || code === 'world-private'
          ? 403
          : 401;
  const kind =
    status === 400
      ? 'bad-request'
      : status === 404
        ? 'not-found'
        : status === 403
          ? 'forbidden'
          : 'unauthenticated';
  return new Problem(status, kind, detail, { code });
}
