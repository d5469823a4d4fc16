/** The world room's contract with the rest of the server: what it is given, and what it lists about itself. */
import type { Logger } from 'pino';
import type { InterestConfig } from '../config/app-config.js';
import type { UsageService } from '../control-plane/index.js';
import type { SceneVersionsRepository, WorldStateRepository, WorldsRepository } from '../db/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { VoiceBackend } from '../voice/index.js';
import type { AvatarWardrobe } from '../assets/index.js';
import type { EmbedService, InstanceDirectory } from '../control-plane/index.js';
import type { InstanceLock } from './instances/instance-lock.js';
import type { JoinAdmission } from './join-admission.js';
import type { ModerationDesk } from './room-moderation.js';
import type { RoomNftDeps } from './world-nft.js';

/** What a world room needs from the rest of the server. */
export interface WorldRoomDeps {
  worlds: WorldsRepository;
  states: WorldStateRepository;
  logger: Logger;
  metrics: Metrics;
  interest: InterestConfig;
  /** Most visitors per instance on this server; a world's own capacity may be lower. */
  capacity: number;
  instanceLock: InstanceLock;
  admission: JoinAdmission;
  /** Moderators' actions from inside the room (by session id), checked and applied as the API does. */
  moderationDesk: ModerationDesk;
  scenes: SceneVersionsRepository;
  usage: UsageService;
  instances: InstanceDirectory;
  /** Which embed keys were revoked: clients that came in through one are sent away within a minute. */
  embeds: Pick<EmbedService, 'revoked'>;
  /** How often that is checked, in ms (at most a minute). */
  embedRevocationCheckMs: number;
  /** LiveKit, when configured; voice is off (and visitors are told so) without it. */
  voice: VoiceBackend | undefined;
  /** Which uploaded avatars a visitor may wear (the join option avatarModel). */
  avatars: Pick<AvatarWardrobe, 'refusal'>;
  /** Frames and token gates, when the server reads chains. */
  nft: RoomNftDeps | undefined;
}

export type { InstanceMetadata } from '../control-plane/index.js';
