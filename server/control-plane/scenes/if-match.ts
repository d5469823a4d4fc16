/**
 * A draft's ETag preconditions (RFC 9110 If-Match, RFC 6585 428): writes must send one, a malformed one is
 * the client's mistake (400), a stale one is 412 with the draft's current ETag.
 */
import { Problem } from '../api/problem.js';

/** RFC 9110's If-Match: "*" or a comma-separated list of entity tags (`"…"` or `W/"…"`). */
export const IF_MATCH_PATTERN =
  '^(\\*|(W/)?"[\\x21\\x23-\\x7e]*"([ \\t]*,[ \\t]*(W/)?"[\\x21\\x23-\\x7e]*")*)$';
const ifMatchSyntax = new RegExp(IF_MATCH_PATTERN);

export function requireIfMatch(ifMatch: string | undefined): asserts ifMatch is string {
  if (!ifMatch)
    throw new Problem(
      428,
      'precondition-required',
      'send If-Match with the ETag of the draft you edited (from GET …/scene/draft)',
    );
  checkIfMatchSyntax(ifMatch);
}

/** A malformed If-Match is the client's mistake (400), not a stale draft (412). */
export function checkIfMatchSyntax(ifMatch: string | undefined): void {
  if (ifMatch !== undefined && !ifMatchSyntax.test(ifMatch.trim()))
    throw Problem.badRequest(
      'If-Match must be * or ETags in double quotes, e.g. If-Match: "3f2a…" (the ETag header of GET …/scene/draft)',
    );
}

/** RFC 9110 If-Match: "*" or a list of entity tags, compared strongly (weak tags never match). */
export function ifMatchAllows(ifMatch: string | undefined, etag: string): boolean {
  if (ifMatch === undefined) return false;
  if (ifMatch.trim() === '*') return true;
  return ifMatch.split(',').some((tag) => tag.trim() === etag);
}

export function stale(current: string): Problem {
  return new Problem(
    412,
    'precondition-failed',
    'the draft changed since you read it (If-Match does not match); re-read it and apply your change again',
    {
      currentEtag: current,
    },
  );
}
