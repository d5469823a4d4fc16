/**
 * One live instance of a world. Thin by design: message handlers validate (zod, run by Colyseus) and
 * enqueue; the fixed-step tick drains the queues through protocol's `step()`, brings each client's area
 * of interest up to date and sends each client a movement frame. Who is there (names, colours) travels in
 * the schema state, patched by Colyseus at the same rate.
 */
import { CloseCode, Room, ServerError, type AuthContext, type Client } from '@colyseus/core';
import type { Logger } from 'pino';
import {
  Avatar,
  MAX_MESSAGES_PER_SECOND,
  MessageType,
  chatRequestSchema,
  emoteRequestSchema,
  typingRequestSchema,
  interactRequestSchema,
  STEP_SECONDS,
  TICK_HZ,
  UnfilteredWorldState,
  WorldState,
  joinOptionsSchema,
  moveInputSchema,
  pressSchema,
  step,
  type AvatarBody,
  type JoinOptions,
  type InteractionEvent,
  type InteractionRefusal,
  type MoveInput,
  type PortalEvent,
  type PressReply,
} from '../../protocol/index.js';
import type { InterestConfig } from '../config/app-config.js';
import type { SceneVersionsRepository, World, WorldStateRepository, WorldsRepository } from '../db/index.js';
import type { UsageService } from '../control-plane/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { InstanceDirectory } from './instance-directory.js';
import type { Admitted, JoinAdmission } from './join-admission.js';
import { worldEventsChannel, type WorldEvent } from './room-events.js';
import { SceneRuntime } from './scene-runtime.js';
import { decideInteraction, seatBody, wantsToMove } from './interactions.js';
import { SocialRelay } from './social-relay.js';
import { INSTANCE_LEASE_MS, type InstanceLock } from './instances/instance-lock.js';
import { InterestManager } from './interest/interest-manager.js';
import { MovementBroadcaster, type Mover } from './movement-broadcaster.js';
import { NetIds } from './net-ids.js';
import { violatedProtocol } from './protocol-violations.js';
import { SnapshotWriter } from './snapshot-writer.js';

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
  scenes: SceneVersionsRepository;
  usage: UsageService;
  instances: InstanceDirectory;
}

/** What the matchmaker lists about an instance (room metadata). */
export interface InstanceMetadata {
  world: string;
  /** The world's organization id (population and quotas per organization). */
  org: string;
  instance: number;
}

/** Close code for a visitor removed by a moderator's ban. */
export const BANNED_CLOSE_CODE = 4403;
/** Close code for everyone in an instance whose world was deleted. */
export const WORLD_DELETED_CLOSE_CODE = 4410;
/** How often visitor time is added to the organization's usage, in milliseconds. */
const USAGE_FLUSH_MS = 60_000;

/**
 * Inputs buffered per client. One is applied per tick, so this bounds both memory and how far behind a
 * client's movement may run (8 × 50 ms). When full, the oldest input is dropped.
 */
export const INPUT_BUFFER_SIZE = 8;
/** How long a dropped visitor's avatar waits for its client to reconnect, in seconds. */
export const RECONNECT_GRACE_SECONDS = 30;
/**
 * Close codes that mean the client broke the protocol, not that the network dropped: no reconnection
 * grace (WebSocket protocol error, unsupported data, invalid payload, policy, message too big, and
 * Colyseus' WITH_ERROR).
 */
const NO_GRACE_CLOSE_CODES: ReadonlySet<number> = new Set([
  1002,
  1003,
  1007,
  1008,
  1009,
  CloseCode.WITH_ERROR,
]);
/** Button presses waiting for the next tick, per room; more are refused until the tick catches up. */
export const MAX_PENDING_PRESSES = 256;

interface PendingPress {
  resolve: (reply: PressReply) => void;
  reject: (error: Error) => void;
}

interface Occupant extends Mover {
  inputs: MoveInput[];
  /** The signed-in account, if any (bans apply to it). */
  accountId: string | null;
  /** When the visitor joined (Date.now()), for usage metering. */
  joinedAt: number;
  /** The portal entity the avatar stands in, so a portal fires once on entering, not every tick. */
  portal: string | null;
  /** The scene item the visitor asked to use, applied by the next tick (the latest request wins). */
  pendingInteraction: string | null;
}

/** Validates join options, rejecting at matchmaking time with a message that names the problem. */
export function parseJoinOptions(options: unknown): JoinOptions {
  const parsed = joinOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ServerError(
    400,
    `join: option "${issue?.path.join('.') ?? '?'}" is invalid: ${issue?.message ?? 'invalid'} (expected { world, name, color: "#rrggbb" })`,
  );
}

/** Builds the room class with its dependencies bound (Colyseus constructs rooms itself). */
export function createWorldRoom(deps: WorldRoomDeps) {
  return class WorldRoom extends Room<{ state: WorldState; metadata: InstanceMetadata }> {
    override maxMessagesPerSecond = MAX_MESSAGES_PER_SECOND;
    override maxClients = deps.capacity;
    /** This room's instance number of its world, once leased. */
    private instance = 0;
    // Both classes have the same fields; the unfiltered one has no view tags (interest management off).
    override state: WorldState = deps.interest.enabled ? new WorldState() : new UnfilteredWorldState();
    private readonly interest = deps.interest.enabled ? new InterestManager(deps.interest) : undefined;
    private readonly movement = new MovementBroadcaster(deps.interest.enabled);
    private readonly netIds = new NetIds();
    private ticks = 0;

    private world!: World;
    /** Revision and press count of the world's snapshot as last loaded or saved by this instance. */
    private revision = 0;
    private storedPresses = 0;
    /** Presses applied here and not yet saved (other instances of the world may save meanwhile). */
    private unsavedPresses = 0;
    private readonly occupants = new Map<string, Occupant>();
    private readonly social = new SocialRelay(this.occupants, deps.interest.enabled, (type, message) =>
      this.broadcast(type, message),
    );
    private pendingPresses: PendingPress[] = [];
    /** Unset when onCreate failed before the world was loaded. */
    private writer: SnapshotWriter | undefined;
    private log: Logger = deps.logger;

    /** Visitor time not yet added to usage, in seconds, and when it was last counted. */
    private unmeteredSeconds = 0;
    private meteredAt = Date.now();
    private unsubscribe: (() => void) | undefined;
    private worldDeleted = false;
    /** The published scene: obstacles for step(), spawn points, portals. */
    private scene!: SceneRuntime;

    /** Same authentication and policy as the REST API; the result reaches onJoin as client.auth. */
    static override onAuth(
      token: string | undefined,
      options: unknown,
      context: AuthContext,
    ): Promise<Admitted> {
      const { world } = parseJoinOptions(options);
      return deps.admission.admit(token, world, context.headers.get('origin') ?? undefined);
    }

    override async onCreate(options: unknown): Promise<void> {
      const { world: slug } = parseJoinOptions(options);
      const world = await deps.worlds.findBySlug(slug);
      if (!world) throw new ServerError(404, `join: world "${slug}" does not exist; check the world's slug`);
      this.world = world;
      this.maxClients = Math.min(world.capacity, deps.capacity);
      this.scene = new SceneRuntime(world.id, deps.scenes, () => this.log);
      this.instance = await deps.instanceLock.claim(world.id, this.roomId);
      this.log = deps.logger.child({ room: this.roomId, world: world.slug, instance: this.instance });
      await this.setMetadata({ world: world.slug, org: world.org_id, instance: this.instance });
      if (world.published_version !== null) await this.scene.apply(world.published_version);
      this.state.sceneVersion = this.scene.version;
      const channel = worldEventsChannel(world.id);
      const onEvent = (event: WorldEvent) => this.onWorldEvent(event);
      await this.presence.subscribe(channel, onEvent);
      this.unsubscribe = () => void this.presence.unsubscribe(channel, onEvent);
      this.clock.setInterval(() => this.flushUsage(), USAGE_FLUSH_MS);
      this.clock.setInterval(() => this.renewInstanceLease(), INSTANCE_LEASE_MS / 3);

      const stored = await deps.states.load(world.id);
      if (stored) {
        this.revision = stored.revision;
        this.storedPresses = stored.state.presses;
        this.state.presses = stored.state.presses;
      }
      this.writer = new SnapshotWriter({
        save: () => this.saveSnapshot(),
        onError: (error) => this.log.error({ err: error }, 'saving world state failed; retrying'),
      });

      this.setPatchRate(1000 / TICK_HZ);
      this.setFixedTimestep(() => this.tick(), TICK_HZ);
      this.onMessage(MessageType.input, moveInputSchema, (client, input) => this.enqueueInput(client, input));
      this.onMessage(MessageType.press, pressSchema, () => this.enqueuePress());
      this.onMessage(MessageType.chat, chatRequestSchema, (client, request) =>
        this.social.chat(client, request),
      );
      this.onMessage(MessageType.emote, emoteRequestSchema, (client, { emote }) =>
        this.social.emote(client, emote),
      );
      this.onMessage(MessageType.interact, interactRequestSchema, (client, { entity }) => {
        const occupant = this.occupants.get(client.sessionId);
        if (occupant) occupant.pendingInteraction = entity;
      });
      this.onMessage(MessageType.typing, typingRequestSchema, (client, { typing }) =>
        this.social.typing(client, typing),
      );
      deps.metrics.roomsCreated.inc();
      this.log.info({ presses: this.state.presses, revision: this.revision }, 'world room created');
    }

    override onJoin(client: Client<{ auth: Admitted }>, options: unknown): void {
      const { name: chosenName, color, spawn } = parseJoinOptions(options);
      const admitted = client.auth;
      const name = admitted?.displayName?.slice(0, 32) ?? chosenName;
      // At the requested (or default) spawn point, on a small ring so joiners don't stack.
      const body: AvatarBody = this.scene.spawnBody(this.occupants.size, spawn);
      const netId = this.netIds.acquire();
      const avatar = new Avatar();
      avatar.netId = netId;
      avatar.name = name;
      avatar.color = color;
      this.state.avatars.set(client.sessionId, avatar);
      const view = this.interest?.attach(client, avatar);
      this.occupants.set(client.sessionId, {
        body,
        inputs: [],
        ackSeq: 0,
        ackSent: 0,
        netId,
        client,
        movedAtTick: this.ticks,
        selfSentTick: -1,
        avatar,
        view: view ?? null,
        visible: new Map(),
        phase: this.interest?.nextPhase() ?? 0,
        mark: 0,
        accountId: admitted?.accountId ?? null,
        joinedAt: Date.now(),
        portal: null,
        pendingInteraction: null,
      });
      if (admitted?.mutedFor) this.social.setMuted(client.sessionId, admitted.mutedFor);
      this.recordConcurrency();
    }

    private onWorldEvent(event: WorldEvent): void {
      switch (event.type) {
        case 'scene-published':
          // Applied between ticks; nobody is disconnected. Clients reload the scene when sceneVersion changes.
          this.scene.apply(event.version).then(
            (applied) => {
              if (!applied) return;
              this.state.sceneVersion = this.scene.version;
              this.log.info({ version: event.version }, 'new scene version applied');
            },
            (error: unknown) =>
              this.log.error({ err: error, version: event.version }, 'loading a scene version failed'),
          );
          return;
        case 'banned':
          for (const occupant of this.occupants.values())
            if (occupant.accountId === event.accountId)
              occupant.client.leave(BANNED_CLOSE_CODE, event.reason);
          return;
        case 'muted':
        case 'unmuted':
          for (const occupant of this.occupants.values())
            if (occupant.accountId === event.accountId)
              this.social.setMuted(occupant.client.sessionId, event.type === 'muted' ? event.reason : null);
          return;
        case 'deleted':
          // Its rows are gone: nothing left to save into. Everyone is sent away and the instance closes.
          this.worldDeleted = true;
          this.log.info('world deleted: closing the instance');
          this.disconnect(WORLD_DELETED_CLOSE_CODE).catch((error: unknown) =>
            this.log.error({ err: error }, 'closing the instance of a deleted world failed'),
          );
          return;
      }
    }

    /** Peak concurrency of the organization, counted across every instance after this join. */
    private recordConcurrency(): void {
      deps.instances
        .byOrg(this.world.org_id)
        .then((listed) =>
          deps.usage.recordConcurrency(this.world.org_id, Math.max(listed, this.clients.length)),
        )
        .catch((error: unknown) => this.log.error({ err: error }, 'recording usage failed'));
    }

    /** Adds visitor time since the last flush to the organization's usage. */
    private flushUsage(): Promise<void> {
      const now = Date.now();
      let seconds = this.unmeteredSeconds;
      for (const occupant of this.occupants.values())
        seconds += (now - Math.max(occupant.joinedAt, this.meteredAt)) / 1000;
      this.unmeteredSeconds = 0;
      this.meteredAt = now;
      return deps.usage
        .addVisitorSeconds(this.world.org_id, seconds)
        .catch((error: unknown) => this.log.error({ err: error, seconds }, 'recording visitor time failed'));
    }

    /**
     * A connection lost without leaving (network blip, page refresh): the avatar stays, standing still,
     * for RECONNECT_GRACE_SECONDS. Clients closed for breaking the protocol get no grace. If the client
     * does not come back, Colyseus calls onLeave.
     */
    override onDrop(client: Client, code?: number): void {
      const occupant = this.occupants.get(client.sessionId);
      if (occupant) occupant.inputs.length = 0;
      if ((code !== undefined && NO_GRACE_CLOSE_CODES.has(code)) || violatedProtocol(client)) return;
      this.allowReconnection(client, RECONNECT_GRACE_SECONDS).catch(() => undefined); // expiry → onLeave
    }

    /** A reconnected client starts from a blank picture: send it every position it may see again. */
    override onReconnect(client: Client): void {
      const occupant = this.occupants.get(client.sessionId);
      if (!occupant) return;
      occupant.client = client; // the new connection's client object
      occupant.selfSentTick = -1;
      for (const other of occupant.visible.keys()) occupant.visible.set(other, -1);
      this.log.debug({ sessionId: client.sessionId }, 'client reconnected');
    }

    override onLeave(client: Client, code?: number): void {
      const occupant = this.occupants.get(client.sessionId);
      if (occupant)
        this.unmeteredSeconds += (Date.now() - Math.max(occupant.joinedAt, this.meteredAt)) / 1000;
      this.occupants.delete(client.sessionId);
      this.state.avatars.delete(client.sessionId);
      if (occupant) {
        this.interest?.detach(occupant, this.occupants.values());
        this.netIds.release(occupant.netId);
      }
      this.social.forget(client.sessionId);
      if (code !== undefined && NO_GRACE_CLOSE_CODES.has(code))
        this.log.warn({ sessionId: client.sessionId, code }, 'client removed for a protocol error');
    }

    override async onDispose(): Promise<void> {
      this.unsubscribe?.();
      if (this.world) await this.flushUsage();
      if (this.instance > 0) {
        await deps.instanceLock
          .release(this.world.id, this.instance, this.roomId)
          .catch((error: unknown) => this.log.error({ err: error }, 'releasing the instance number failed'));
      }
      if (!this.writer) return;
      // Presses queued since the last tick are applied and saved with the final snapshot.
      this.applyPresses();
      await this.writer.close();
      this.log.info({ presses: this.state.presses, revision: this.revision }, 'world room disposed');
    }

    private enqueueInput(client: Client, input: MoveInput): void {
      const occupant = this.occupants.get(client.sessionId);
      if (!occupant || input.seq <= occupant.ackSeq) return; // stale or duplicate
      if (occupant.inputs.length >= INPUT_BUFFER_SIZE) occupant.inputs.shift();
      occupant.inputs.push(input);
    }

    private renewInstanceLease(): void {
      deps.instanceLock.renew(this.world.id, this.instance, this.roomId).then(
        (held) => {
          if (!held)
            this.log.error('lost the lease on this instance number; another instance may now hold it');
        },
        (error: unknown) => this.log.error({ err: error }, 'renewing the instance number lease failed'),
      );
    }

    private enqueuePress(): Promise<PressReply> {
      if (this.pendingPresses.length >= MAX_PENDING_PRESSES) {
        throw new Error('press: too many presses are waiting; try again in a moment');
      }
      return new Promise<PressReply>((resolve, reject) => this.pendingPresses.push({ resolve, reject }));
    }

    /** Applies queued presses; each is answered once a snapshot that contains it is stored. */
    private applyPresses(): void {
      const pending = this.pendingPresses;
      const writer = this.writer;
      if (pending.length === 0 || !writer) return;
      this.pendingPresses = [];
      for (const press of pending) {
        this.state.presses += 1;
        this.unsavedPresses += 1;
        const reply: PressReply = { presses: this.state.presses };
        writer.markDirty().then(() => press.resolve(reply), press.reject);
      }
    }

    /**
     * One fixed step: at most one input per avatar, then each client's area of interest brought up to
     * date, then the movement frames.
     */
    private tick(): void {
      const started = performance.now();
      const tick = ++this.ticks;
      for (const occupant of this.occupants.values()) {
        if (occupant.pendingInteraction !== null) this.interact(occupant, tick);
        const input = occupant.inputs.shift();
        if (!input) continue;
        const { body } = occupant;
        if (occupant.avatar.seat !== '') {
          // Seated: an input without intent keeps it seated; one with intent stands it up, then moves it.
          if (!wantsToMove(input)) {
            occupant.ackSeq = input.seq;
            continue;
          }
          this.announce(occupant, occupant.avatar.seat, 'stand');
          occupant.avatar.seat = '';
        }
        const x = body.x;
        const y = body.y;
        const z = body.z;
        const yaw = body.yaw;
        step(body, input, STEP_SECONDS, this.scene.world);
        if (this.scene.world.portals.length > 0) this.checkPortal(occupant);
        occupant.ackSeq = input.seq;
        if (body.x !== x || body.y !== y || body.z !== z || body.yaw !== yaw) occupant.movedAtTick = tick;
      }
      this.interest?.update(tick, this.occupants);
      this.applyPresses();
      const simulated = performance.now();
      deps.metrics.roomTickSeconds.observe((simulated - started) / 1000);
      deps.metrics.roomTickMs.observe(simulated - started);
      // The movement frames are this room's per-tick patch: timed as patches, not as simulation.
      this.movement.send(tick, this.occupants);
      deps.metrics.roomPatchMs.observe(performance.now() - simulated);
    }

    /** Applies the visitor's pending use of a scene item, or tells it why not. */
    private interact(occupant: Occupant, tick: number): void {
      const entity = occupant.pendingInteraction!;
      occupant.pendingInteraction = null;
      const taken = (seat: string): boolean => {
        for (const other of this.occupants.values())
          if (other !== occupant && other.avatar.seat === seat) return true;
        return false;
      };
      const outcome = decideInteraction(this.scene.world, occupant.body, entity, taken);
      if (outcome.kind === 'refused') {
        occupant.client.send(MessageType.interactionRefused, {
          entity,
          reason: `interact: ${outcome.reason}`,
        } satisfies InteractionRefusal);
        return;
      }
      if (outcome.kind === 'sit') {
        seatBody(occupant.body, outcome.item);
        occupant.avatar.seat = outcome.item.entity;
        occupant.movedAtTick = tick;
      }
      this.announce(occupant, entity, outcome.kind);
    }

    private announce(occupant: Occupant, entity: string, action: InteractionEvent['action']): void {
      this.social.sendToWatchers(occupant.client, MessageType.interaction, {
        by: occupant.client.sessionId,
        entity,
        action,
      } satisfies InteractionEvent);
    }

    /** Fires a portal the avatar just stepped into: a teleport here, or a hand-over to another world. */
    private checkPortal(occupant: Occupant): void {
      const portal = this.scene.portalAt(occupant.body);
      const inside = portal?.entity ?? null;
      if (inside === occupant.portal) return;
      occupant.portal = inside;
      if (!portal) return;
      const outcome = this.scene.outcomeOf(portal, this.world.slug);
      if (outcome.kind === 'teleport') {
        Object.assign(occupant.body, outcome.to);
        // Arriving inside another portal does not fire it until the avatar leaves and re-enters.
        occupant.portal = this.scene.portalAt(occupant.body)?.entity ?? null;
      } else if (outcome.kind === 'other-world')
        occupant.client.send(MessageType.portal, {
          world: outcome.world,
          spawn: outcome.spawn,
        } satisfies PortalEvent);
    }

    /** Times each schema patch (who is where changes rarely; positions go in movement frames). */
    override broadcastPatch(): boolean {
      const started = performance.now();
      const changed = super.broadcastPatch();
      if (changed) deps.metrics.roomPatchMs.observe(performance.now() - started);
      return changed;
    }

    /**
     * Saves this instance's unsaved presses on top of the latest stored snapshot (compare-and-set). When
     * another instance of the world saved first, reloads and merges; presses from every instance add up.
     */
    private async saveSnapshot(): Promise<void> {
      if (this.worldDeleted) return;
      for (let attempt = 0; attempt < 5; attempt++) {
        const delta = this.unsavedPresses;
        const presses = this.storedPresses + delta;
        if (await deps.states.compareAndSave(this.world.id, this.revision, { v: 1, presses })) {
          this.revision += 1;
          this.storedPresses = presses;
          this.unsavedPresses -= delta;
          this.state.presses = presses + this.unsavedPresses;
          return;
        }
        const stored = await deps.states.load(this.world.id);
        this.revision = stored?.revision ?? 0;
        this.storedPresses = stored?.state.presses ?? 0;
      }
      throw new Error('world state: other instances of this world kept saving first; retrying shortly');
    }
  };
}
