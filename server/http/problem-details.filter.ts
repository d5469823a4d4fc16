import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/** Every HTTP error as RFC 9457 `application/problem+json`. Unexpected errors are logged, not leaked. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let detail = 'An unexpected error occurred; it has been logged.';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      detail = Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
    } else {
      this.logger.error({ err: exception, url: req.originalUrl }, 'unhandled error in HTTP handler');
    }
    res
      .status(status)
      .type('application/problem+json')
      .json({
        type: `urn:mib:problem:http-${status}`,
        title: HttpStatus[status] ?? 'Error',
        status,
        detail,
        instance: req.originalUrl,
      });
  }
}
