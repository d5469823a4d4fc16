/** The control plane's public surface, for the server's composition root and the room layer. */
export { ControlPlaneModule, type ControlPlaneOptions } from './control-plane.module.js';
export { AccessService } from './access/access-service.js';
export { decideWorld, type WorldAction, type Decision } from './access/policy.js';
export { Authenticator } from './auth/authenticator.js';
export { AccountsService, accountView } from './auth/accounts-service.js';
export { sessionResponse, slugSchema } from './api/common-schemas.js';
export { SessionTokens, loadSigningKey } from './auth/session-tokens.js';
export { EmbedTokens, MINTED_BY_SESSION } from './auth/embed-tokens.js';
export { EmbedService, type EmbedCredential } from './embed/embed-service.js';
export { escapeHtml } from './api/escape-html.js';
export { ANONYMOUS, type Principal } from './auth/principal.js';
export { Problem } from './api/problem.js';
export {
  addNamedSchemas,
  documentCommonProblems,
  HTTP_METHODS,
  named,
  Fails,
  Returns,
  ReturnsFile,
  ZodBody,
  ZodParam,
  ZodQuery,
} from './api/zod-api.js';
export { AnonymousAllowed, Caller, SignedByAnotherService } from './api/caller.js';
export { SharedRateLimits } from './api/shared-rate-limits.js';
export { UsageService } from './usage/usage-service.js';
export {
  InstanceDirectory,
  type InstanceListing,
  type InstanceMetadata,
} from './instances/instance-directory.js';
export { ScenesService, type SceneEvents } from './scenes/scenes-service.js';
export { requireKnownReferences } from './scenes/scene-validation.js';
export { recordWorldAudit } from './audit/audit-log.js';
export { ModerationService, type ModerationEvents } from './worlds/moderation-service.js';
export type { WorldEvents } from './worlds/worlds-service.js';
export { ARCHIVE_MEDIA_TYPE } from './archive/world-archive.js';
export { recordAudit } from './audit/audit-log.js';
