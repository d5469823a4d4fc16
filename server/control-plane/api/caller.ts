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
import { ApiSecurity, DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { Problem } from './problem.js';

interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

const SIGNED_BY_ANOTHER_SERVICE = 'mib:signed-by-another-service';

/**
 * Marks a route whose Authorization header belongs to another service (LiveKit's webhook signature): the
 * route verifies it itself, and the caller is anonymous to us.
 */
export const SignedByAnotherService = (): MethodDecorator => SetMetadata(SIGNED_BY_ANOTHER_SERVICE, true);

/**
 * Marks an operation of a bearer-secured controller (`@ApiBearerAuth()`) that anonymous callers may use
 * too, e.g. reading a public world. The OpenAPI document then says the credential is optional.
 */
export const AnonymousAllowed = (): MethodDecorator => ApiSecurity({});

/** An OpenAPI security requirement as @nestjs/swagger stores it; `{}` means "no credential". */
type SecurityRequirement = Record<string, string[]>;

/**
 * The guard enforces what the OpenAPI document says: on an operation whose security requires a bearer
 * credential, an anonymous caller is answered 401 before its input is read (so "sign in" comes first,
 * not a validation error, and nothing about the resource is revealed).
 */
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
    if (req.principal.kind === 'anonymous' && this.needsCredential(context))
      throw Problem.unauthenticated(
        `${req.method} ${req.path} is for signed-in callers: send "Authorization: Bearer <token>" with an access token (POST /auth/login, /auth/guest or /auth/siwe) or an API key`,
      );
    return true;
  }

  private needsCredential(context: ExecutionContext): boolean {
    const security = this.reflector.getAllAndOverride<SecurityRequirement[] | undefined>(
      DECORATORS.API_SECURITY,
      [context.getHandler(), context.getClass()],
    );
    return !!security?.length && security.every((requirement) => Object.keys(requirement).length > 0);
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
