/**
 * Authentication for every HTTP route: a global guard resolves the caller once per request (anonymous
 * when nothing is presented, 401 when what is presented is invalid) and `@Caller()` hands it to handlers.
 */
import {
  Inject,
  Injectable,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';

interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(@Inject(Authenticator) private readonly authenticator: Authenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.principal = await this.authenticator.authenticate(req.headers.authorization, req.headers.origin);
    return true;
  }
}

/** The authenticated caller of this request. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('AuthenticationGuard did not run before this handler');
  return principal;
});

/** Who a request counts against for rate limits: the account or key if known, else the client address. */
export function rateLimitTracker(req: Request): string {
  const principal = (req as AuthenticatedRequest).principal;
  if (principal?.kind === 'account') return `account:${principal.accountId}`;
  if (principal?.kind === 'key') return `key:${principal.keyId}`;
  return `ip:${req.ip ?? 'unknown'}`;
}
