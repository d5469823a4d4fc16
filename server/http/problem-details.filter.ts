import { STATUS_CODES } from 'node:http';
import {
  Catch,
  HttpException,
  HttpStatus,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { Problem, kindForStatus, problemType } from '../control-plane/api/problem.js';
import { isDatabaseUnavailable, isReferenceGone } from '../db/index.js';
import type { AllowedMethods } from './allowed-methods.js';

/** What a 503 for an unreachable database asks clients to wait before trying again. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Every HTTP error as RFC 9457 `application/problem+json` with a stable `type` (see problem.ts).
 * Unexpected errors are logged and answered 500 without their message, which may hold internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private allowedMethods?: AllowedMethods;

  constructor(private readonly logger: Logger) {}

  /** From now on, a request no route takes whose path the API documents for other methods gets 405. */
  answerWrongMethods(allowedMethods: AllowedMethods): void {
    this.allowedMethods = allowedMethods;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    // Nest's own "no route" 404 (routes-resolver.ts words it so; our handlers throw Problems).
    if (
      exception instanceof NotFoundException &&
      exception.message === `Cannot ${req.method} ${req.originalUrl}`
    ) {
      const allowed = this.allowedMethods?.for(req.path);
      if (allowed && !allowed.includes(req.method)) {
        res.setHeader('Allow', allowed.join(', '));
        return sendProblem(
          res,
          405,
          'method-not-allowed',
          `${req.path} does not take ${req.method}; it takes ${allowed.join(', ')} (see /docs)`,
          { instance: req.originalUrl },
        );
      }
    }
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let detail = 'An unexpected error occurred; it has been logged.';
    let kind = kindForStatus(status);
    let extensions: Record<string, unknown> = {};
    if (exception instanceof Problem) {
      status = exception.getStatus();
      detail = exception.message;
      kind = exception.kind;
      extensions = exception.extensions;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      kind = kindForStatus(status);
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      detail = Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
    } else if (isDatabaseUnavailable(exception)) {
      // Down, restarting or cut off mid-request: the client may retry; not a bug to page anyone about.
      status = HttpStatus.SERVICE_UNAVAILABLE;
      kind = kindForStatus(status);
      detail =
        'The database is not answering right now (it may be restarting), so this request may not have been saved: try again in a few seconds.';
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      this.logger.warn(
        { err: exception, url: req.originalUrl },
        'database unavailable during an HTTP request',
      );
    } else if (isReferenceGone(exception)) {
      // A concurrent delete won (the world, or what the write refers to): the client reloads and sees why.
      status = HttpStatus.CONFLICT;
      kind = kindForStatus(status);
      detail =
        'Something this request refers to was deleted while it ran (or something still refers to what it removes); reload and try again.';
      this.logger.warn({ err: exception, url: req.originalUrl }, 'a write lost a race with a delete');
    } else {
      this.logger.error({ err: exception, url: req.originalUrl }, 'unhandled error in HTTP handler');
    }
    if (status === 429) copyRetryAfter(res);
    sendProblem(res, status, kind, detail, {
      instance: req.originalUrl,
      ...extensions,
    });
  }
}

/**
 * The rate limiter names its header per limit (Retry-After-auth, Retry-After-writes); clients and proxies
 * read the standard Retry-After, so the longest wait is also sent under that name.
 */
function copyRetryAfter(res: Response): void {
  const waits = Object.entries(res.getHeaders())
    .filter(([name]) => name.toLowerCase().startsWith('retry-after-'))
    .map(([, value]) => Number(value))
    .filter((seconds) => Number.isFinite(seconds));
  if (waits.length > 0) res.setHeader('Retry-After', String(Math.max(...waits)));
}

/** Writes a problem response; also used by middleware that runs before Nest's routing (body parsers). */
export function sendProblem(
  res: Response,
  status: number,
  kind: ReturnType<typeof kindForStatus>,
  detail: string,
  extensions: Record<string, unknown> = {},
): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: problemType(kind),
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail,
      ...extensions,
    });
}
