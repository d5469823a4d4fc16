/**
 * What can stop an embed, each with a stable `code` (the widget's `error` event carries it) and words that
 * name the fix. The codes are public API: docs/embed.md lists them.
 */
import type { EmbedServerErrorCode as EmbedErrorCode } from '../../../protocol/index.js';
import { Problem, type ProblemKind } from '../api/problem.js';

/** Each refusal's HTTP status and problem kind. */
const ANSWER: Record<EmbedErrorCode, [number, ProblemKind]> = {
  'bad-embed': [400, 'bad-request'],
  'world-not-found': [404, 'not-found'],
  'origin-not-allowed': [403, 'forbidden'],
  'world-private': [403, 'forbidden'],
  'key-invalid': [401, 'unauthenticated'],
  'key-revoked': [401, 'unauthenticated'],
  'token-expired': [401, 'unauthenticated'],
};

export function embedProblem(code: EmbedErrorCode, detail: string): Problem {
  const [status, kind] = ANSWER[code];
  return new Problem(status, kind, detail, { code });
}
