/**
 * Authentication for every HTTP route: a global guard resolves the caller once per request (anonymous
 * when nothing is presented, 401 when what is presented is invalid) and `@Caller()` hands it to handlers.
 */
import {
  Inject,
  Injectable,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';

interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

const SIGNED_BY_ANOTHER_SERVICE = 'mib:signed-by-another-service';

/**
 * Marks a route whose Authorization header belongs to another service (LiveKit's webhook signature): the
 * route verifies it itself, and the caller is anonymous to us.
 */
export const SignedByAnotherService = (): MethodDecorator => SetMetadata(SIGNED_BY_ANOTHER_SERVICE, true);

@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    @Inject(Authenticator) private readonly authenticator: Authenticator,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.get<boolean>(SIGNED_BY_ANOTHER_SERVICE, context.getHandler())) {
      req.principal = { kind: 'anonymous' };
      return true;
    }
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
