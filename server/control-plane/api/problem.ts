/**
 * Errors the control plane answers with, as RFC 9457 problem details. Each kind has a stable `type` URI
 * (urn:mib:problem:<kind>) that clients may switch on; `detail` is for humans and names the fix.
 */
import { HttpException } from '@nestjs/common';
import type { z } from 'zod';

export type ProblemKind =
  | 'bad-request'
  | 'validation-failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'banned'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'precondition-failed'
  | 'precondition-required'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'patch-failed'
  | 'quota-exceeded'
  | 'scene-over-limits'
  | 'rate-limited'
  | 'unavailable'
  | 'internal';

/** One failing field: a JSON path into the request (body fields start with "body"). */
export interface FieldError {
  path: string;
  message: string;
}

/** The default kind for a status that was raised without one (Nest's own 404s, body-parser's 413…). */
export function kindForStatus(status: number): ProblemKind {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition-failed';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 422:
      return 'patch-failed';
    case 428:
      return 'precondition-required';
    case 429:
      return 'rate-limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'bad-request';
  }
}

export const problemType = (kind: ProblemKind): string => `urn:mib:problem:${kind}`;

export class Problem extends HttpException {
  constructor(
    status: number,
    readonly kind: ProblemKind,
    detail: string,
    /** Extra members of the problem object (e.g. `errors`, `quota`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }

  static unauthenticated(detail: string): Problem {
    return new Problem(401, 'unauthenticated', detail);
  }
  static forbidden(detail: string): Problem {
    return new Problem(403, 'forbidden', detail);
  }
  static notFound(detail: string): Problem {
    return new Problem(404, 'not-found', detail);
  }
  static conflict(detail: string): Problem {
    return new Problem(409, 'conflict', detail);
  }
  /** A feature this server is not set up for, or a dependency that does not answer; the detail says which. */
  static unavailable(detail: string): Problem {
    return new Problem(503, 'unavailable', detail);
  }
  static badRequest(detail: string): Problem {
    return new Problem(400, 'bad-request', detail);
  }
  /** A quota of the organization would be exceeded; `quota` names it so clients can show which. */
  static quota(
    status: 403 | 413 | 429,
    quota: 'worlds' | 'storage_bytes' | 'peak_ccu' | 'upload_bytes',
    detail: string,
    limit: number,
  ): Problem {
    return new Problem(status, 'quota-exceeded', detail, { quota, limit });
  }

  /** 400 validation-failed from failing fields the caller found itself (paths as `validation` writes them). */
  static fields(errors: FieldError[]): Problem {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return new Problem(
      400,
      'validation-failed',
      first ? `${first.path}: ${first.message}${more}` : 'invalid',
      {
        errors,
      },
    );
  }

  /** A zod failure as 400 validation-failed with every failing path, prefixed by where the value came from. */
  static validation(where: 'body' | 'query' | 'path' | 'header', error: z.ZodError): Problem {
    const errors: FieldError[] = error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            path: [where, ...issue.path.map(String), key].join('.'),
            message: 'is not a known field; remove it (check its spelling)',
          }))
        : [{ path: [where, ...issue.path.map(String)].join('.'), message: issue.message }],
    );
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return new Problem(
      400,
      'validation-failed',
      first ? `${first.path}: ${first.message}${more}` : `invalid ${where}`,
      { errors },
    );
  }
}
