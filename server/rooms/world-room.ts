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
  interactRequestSchema,
  teleportRequestSchema,
  type Privileges,
  STEP_SECONDS,
  TICK_HZ,
  UnfilteredWorldState,
  WorldState,
  moveInputSchema,
  pressSchema,
  spectatorCameraSchema,
  step,
  type AvatarBody,
  type MoveInput,
} from '../../protocol/index.js';
import type { World } from '../db/index.js';
import type { Admitted } from './join-admission.js';
import { worldEventsChannel, type WorldEvent } from './room-events.js';
import { WorldNft } from './world-nft.js';
import { SceneRuntime } from './scene-runtime.js';
import { wantsToMove } from './interactions.js';
import { newOccupant, voiceListenerOf, type Occupant } from './occupant.js';
import { RoomUsageMeter } from './room-usage-meter.js';
import { SceneActions } from './scene-actions.js';
import { SocialRelay } from './social-relay.js';
import { moderateFromRoom } from './room-moderation.js';
import { listenToSocialMessages } from './social-messages.js';
import { INSTANCE_LEASE_MS, renewLease } from './instances/instance-lock.js';
import { InterestManager } from './interest/interest-manager.js';
import { MovementBroadcaster } from './movement-broadcaster.js';
import { NetIds } from './net-ids.js';
import { violatedProtocol } from './protocol-violations.js';
import { PersistentWorldState } from './persistent-world-state.js';
import { Spectators, visitorSeatsFull } from './spectators.js';
import { EmbedRevocations } from './embed-revocations.js';
import {
  BANNED_CLOSE_CODE,
  EMBED_REVOKED_CLOSE_CODE,
  KICKED_CLOSE_CODE,
  NO_GRACE_CLOSE_CODES,
  RECONNECT_GRACE_SECONDS,
  WORLD_DELETED_CLOSE_CODE,
  sendAway,
} from './close-codes.js';
import { parseJoinOptions, parseJoinOptionsFor } from './join-options.js';
import { INPUT_BUFFER_SIZE, SCHEMA_PATCH_MS, USAGE_FLUSH_MS } from './room-timing.js';
import type { InstanceMetadata, WorldRoomDeps } from './world-room-deps.js';
import { MovableItems } from './movable-items.js';
import { LeaveNotices, dropSocket, type LeaveNoticeOutcome } from './leave-notices.js';
import { VOICE_EVERY_TICKS, VoiceDirector, voiceSettingsOf, type VoiceListener } from '../voice/index.js';

export type { InstanceMetadata, WorldRoomDeps } from './world-room-deps.js';

/**
 * Builds the room class with its dependencies bound (Colyseus constructs rooms itself). `preview`: the
 * room kind that runs a world's saved draft for its editors — admitted by scene.read-draft, the draft
 * reloaded whenever it is saved, the world's saved state read but never written, no instance number (it
 * is not an instance visitors are counted in), no voice.
 */
export function createWorldRoom(deps: WorldRoomDeps, kind: 'live' | 'preview' = 'live') {
  const preview = kind === 'preview';
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
    private readonly leaveNotices = new LeaveNotices();
    /** Embeds watching with no avatar (not visitors: they take no visitor seat). */
    private readonly spectators = new Spectators(this.interest);
    private readonly embeds = new EmbedRevocations((keyIds) => deps.embeds.revoked(keyIds));
    private ticks = 0;

    private world!: World;
    private readonly occupants = new Map<string, Occupant>();
    private readonly social = new SocialRelay(
      this.occupants,
      deps.interest.enabled,
      (type, message) => this.broadcast(type, message),
      this.spectators.all,
    );
    /** The world's saved state (press count, moved items); unset when onCreate failed before loading it. */
    private persisted: PersistentWorldState | undefined;
    private readonly items = new MovableItems(this.state.items, () => this.persisted);
    private log: Logger = deps.logger;
    /** Set once this process drains (SIGTERM): changes are refused while the final state is saved. */
    private draining = false;
    /** The final save and release, once started (drain or dispose). */
    private closing: Promise<void> | undefined;

    /** Set in onCreate, once the world is known. */
    private meter: RoomUsageMeter | undefined;
    private actions!: SceneActions;
    /** Who hears whom (set in onCreate, once the world and instance number are known). */
    private voice: VoiceDirector | undefined;
    private unsubscribe: (() => void) | undefined;
    private nft: WorldNft | undefined;
    /** The published scene: obstacles for step(), spawn points, portals. */
    private scene!: SceneRuntime;

    /** Same authentication and policy as the REST API; the result reaches onJoin as client.auth. */
    static override async onAuth(
      token: string | undefined,
      options: unknown,
      context: AuthContext,
    ): Promise<Admitted> {
      const { world, avatarModel } = parseJoinOptions(options);
      const origin = context.headers.get('origin') ?? undefined;
      const admitted = await (preview
        ? deps.admission.admitEditor(token, world, origin)
        : deps.admission.admit(token, world, origin));
      const refusal = avatarModel ? await deps.avatars.refusal(avatarModel, admitted.accountId) : undefined;
      // "avatar:", not "join:": the world itself would let this visitor in (the player says so).
      if (refusal) throw new ServerError(refusal.status, `avatar: ${refusal.message}`);
      return admitted;
    }

    override async onCreate(options: unknown): Promise<void> {
      const { world: slug } = parseJoinOptions(options);
      const world = await deps.worlds.findBySlug(slug);
      if (!world) throw new ServerError(404, `join: world "${slug}" does not exist; check the world's slug`);
      this.world = world;
      this.maxClients = Math.min(world.capacity, deps.capacity);
      this.scene = new SceneRuntime(world.id, deps.scenes, () => this.log);
      const opens = (occupant: Occupant, portal: string) => this.nft?.opens(occupant, portal) ?? false;
      this.actions = new SceneActions(this.scene, this.occupants, this.social, this.items, world.slug, opens);
      if (!preview) {
        this.meter = new RoomUsageMeter(deps.usage, deps.instances, world.org_id, () => this.log);
        this.instance = await deps.instanceLock.claim(world.id, this.roomId);
      }
      this.log = deps.logger.child({ room: this.roomId, world: world.slug, instance: this.instance, kind });
      await this.setMetadata({ world: world.slug, org: world.org_id, instance: this.instance });
      this.voice = preview
        ? undefined
        : new VoiceDirector(deps.voice, world.id, this.instance, voiceSettingsOf(world), () => this.log);
      // Saved state first: placing the scene's movable items needs where visitors left them.
      const persisted = preview
        ? await PersistentWorldState.loadSandboxed(world.id, deps.states, () => this.log)
        : await PersistentWorldState.load(world.id, deps.states, () => this.log);
      this.persisted = persisted;
      this.state.presses = persisted.presses;
      const loaded = preview
        ? await this.scene.applyDraft()
        : world.published_version !== null && (await this.scene.apply(world.published_version));
      if (loaded) this.items.sync(this.scene.world);
      this.state.sceneVersion = this.scene.version;
      const channel = worldEventsChannel(world.id);
      const onEvent = (event: WorldEvent) => this.onWorldEvent(event);
      await this.presence.subscribe(channel, onEvent);
      const unsubscribeNft = preview ? undefined : await this.followNft();
      this.unsubscribe = () => {
        void this.presence.unsubscribe(channel, onEvent);
        unsubscribeNft?.();
      };
      if (!preview) {
        this.clock.setInterval(() => void this.meter?.flush(this.occupants.values()), USAGE_FLUSH_MS);
        const lease = { worldId: world.id, instance: this.instance, owner: this.roomId };
        this.clock.setInterval(() => renewLease(deps.instanceLock, lease, this.log), INSTANCE_LEASE_MS / 3);
        this.clock.setInterval(() => void this.endRevokedEmbeds(), deps.embedRevocationCheckMs);
      }

      this.setPatchRate(SCHEMA_PATCH_MS);
      this.setFixedTimestep(() => this.tick(), TICK_HZ);
      this.onMessage(MessageType.input, moveInputSchema, (client, input) => this.enqueueInput(client, input));
      this.onMessage(MessageType.press, pressSchema, (client) => {
        if (this.draining)
          throw new ServerError(
            503,
            'press: this server is restarting and your world is moving; press again in a moment',
          );
        if (this.spectators.has(client.sessionId))
          throw new ServerError(403, 'press: spectators watch only; join the world to press');
        return persisted.enqueue();
      });
      this.onMessage(MessageType.spectatorCamera, spectatorCameraSchema, (client, camera) =>
        this.spectators.moveCamera(client, camera),
      );
      this.onMessage(MessageType.interact, interactRequestSchema, (client, { entity, ref }) => {
        const occupant = this.draining ? undefined : this.occupants.get(client.sessionId);
        if (occupant) occupant.pendingInteraction = { entity, ref };
      });
      this.onMessage(MessageType.teleport, teleportRequestSchema, (client, target) => {
        const occupant = this.draining ? undefined : this.occupants.get(client.sessionId);
        if (occupant) occupant.pendingTeleport = target;
      });
      const desk = { desk: deps.moderationDesk, occupants: this.occupants, social: this.social };
      listenToSocialMessages(
        this,
        this.social,
        (client, request) => moderateFromRoom({ ...desk, world: this.world }, client, request),
        () => this.log,
      );
      deps.metrics.roomsCreated.inc();
      this.log.info(
        { presses: persisted.presses, items: this.items.all.length, revision: persisted.savedRevision },
        'world room created',
      );
    }

    override onJoin(client: Client<{ auth: Admitted }>, options: unknown): void {
      const {
        name: chosenName,
        color,
        spawn,
        appearance,
        avatarModel,
        spectate,
      } = parseJoinOptionsFor(options, this.world.slug);
      const admitted = client.auth;
      // Through an embed: its key is checked for revocation while the client stays.
      this.embeds.track(client.sessionId, admitted?.principal);
      if (spectate) return this.seatSpectator(client, spawn);
      const name = admitted?.displayName?.slice(0, 32) ?? chosenName;
      // At the requested (or default) spawn point, on a small ring so joiners don't stack.
      const body: AvatarBody = this.scene.spawnBody(this.occupants.size, spawn);
      const netId = this.netIds.acquire();
      const avatar = new Avatar();
      avatar.netId = netId;
      avatar.name = name;
      avatar.color = color;
      avatar.appearance = appearance ?? '';
      avatar.avatarModel = avatarModel ?? ''; // onAuth checked it
      this.state.avatars.set(client.sessionId, avatar);
      const view = this.interest?.attach(client, avatar);
      this.occupants.set(
        client.sessionId,
        newOccupant({
          tick: this.ticks,
          body,
          netId,
          client,
          avatar,
          view: view ?? null,
          phase: this.interest?.nextPhase() ?? 0,
          accountId: admitted?.accountId ?? null,
          canModerate: admitted?.canModerate ?? false,
        }),
      );
      if (admitted?.mutedFor) this.social.setMuted(client.sessionId, admitted.mutedFor);
      client.send(MessageType.privileges, {
        canModerate: admitted?.canModerate ?? false,
        leaveToken: this.leaveNotices.seat(client.sessionId),
      } satisfies Privileges);
      this.voice?.joined(this.voiceListener(this.occupants.get(client.sessionId)!));
      this.nft?.dress([this.occupants.get(client.sessionId)!]);
      this.meter?.joined(this.occupants.size);
      this.state.visitors = this.occupants.size;
    }

    /** Seats a spectator (an embed watching) at the spawn point it asked for, within the instance's cap. */
    private seatSpectator(client: Client<{ auth: Admitted }>, spawn: string | undefined): void {
      try {
        this.spectators.seat(client, this.scene.spawnBody(0, spawn));
      } catch (refused) {
        this.embeds.forget(client.sessionId); // no seat: never joined, so no onLeave will
        throw refused;
      }
      client.send(MessageType.privileges, {
        canModerate: false,
        leaveToken: this.leaveNotices.seat(client.sessionId),
      } satisfies Privileges);
      this.countSpectators();
    }

    /** Lists the spectator count (the directory's population leaves spectators out). */
    private countSpectators(): void {
      this.setMetadata({ ...this.metadata, spectators: this.spectators.size }).catch((error: unknown) =>
        this.log.warn({ err: error }, 'listing the spectator count failed'),
      );
    }

    /** Only visitors take seats; spectators are capped on their own (see visitorSeatsFull). */
    override hasReachedMaxClients(): boolean {
      return super.hasReachedMaxClients() && visitorSeatsFull(this, this.spectators.size);
    }

    /** Sends away the clients whose embed key was revoked (every embedRevocationCheckMs). */
    private async endRevokedEmbeds(): Promise<void> {
      for (const sessionId of await this.embeds.sweep(this.log)) {
        const client = this.clients.getById(sessionId);
        if (client)
          sendAway(client, EMBED_REVOKED_CLOSE_CODE, 'the site’s embed key for this world was revoked');
      }
    }

    /**
     * Swaps in a newly loaded scene (a published version, or a preview's saved draft) between ticks;
     * nobody is disconnected. Clients reload the scene when sceneVersion changes.
     */
    private applyScene(loading: Promise<boolean>, version: number): void {
      loading.then(
        (applied) => {
          if (!applied) return;
          const removed = this.items.sync(this.scene.world);
          this.interest?.forgetItems(removed, this.occupants.values());
          this.state.sceneVersion = this.scene.version;
          this.nft?.reloadFrames();
          this.log.info({ version }, 'new scene applied');
        },
        (error: unknown) => this.log.error({ err: error, version }, 'loading a scene failed'),
      );
    }

    /** Shows the scene's nft-frames and applies the token gate to visitors whose tokens move. */
    private async followNft(): Promise<(() => void) | undefined> {
      if (!deps.nft) return undefined;
      const room = { sceneFrames: () => this.scene.nftFrames, occupants: () => this.occupants.values() };
      this.nft = new WorldNft(deps.nft, this.world.id, this.state.frames, room, () => this.log);
      return this.nft.follow(this.presence);
    }

    private onWorldEvent(event: WorldEvent): void {
      switch (event.type) {
        case 'draft-saved':
          if (preview) this.applyScene(this.scene.applyDraft(), event.revision);
          return;
        case 'scene-published':
          if (!preview) this.applyScene(this.scene.apply(event.version), event.version);
          return;
        case 'banned':
        case 'kicked':
          for (const occupant of this.occupants.values())
            if (occupant.accountId === event.accountId)
              sendAway(
                occupant.client,
                event.type === 'banned' ? BANNED_CLOSE_CODE : KICKED_CLOSE_CODE,
                event.reason,
              );
          return;
        case 'muted':
        case 'unmuted':
          for (const occupant of this.occupants.values())
            if (occupant.accountId === event.accountId)
              this.social.setMuted(occupant.client.sessionId, event.type === 'muted' ? event.reason : null);
          return;
        case 'settings-changed':
          this.reloadSettings().catch((error: unknown) =>
            this.log.error({ err: error }, 'reloading the world settings failed'),
          );
          return;
        case 'voice-presence': {
          const occupant = this.occupants.get(event.sessionId);
          if (occupant) occupant.avatar.inVoice = event.inVoice;
          return;
        }
        case 'deleted':
          // Its rows are gone: nothing left to save into. Everyone is sent away and the instance closes.
          this.persisted?.discard();
          this.log.info('world deleted: closing the instance');
          this.disconnect(WORLD_DELETED_CLOSE_CODE).catch((error: unknown) =>
            this.log.error({ err: error }, 'closing the instance of a deleted world failed'),
          );
          return;
      }
    }

    /**
     * A connection lost without leaving (network blip, page refresh): the avatar stays, standing still,
     * for RECONNECT_GRACE_SECONDS. Clients closed for breaking the protocol get no grace. If the client
     * does not come back, Colyseus calls onLeave.
     */
    override onDrop(client: Client, code?: number): void {
      const occupant = this.occupants.get(client.sessionId);
      if (occupant) occupant.inputs.length = 0;
      const noticed = this.leaveNotices.noticed(client.sessionId);
      const grace =
        !noticed && !((code !== undefined && NO_GRACE_CLOSE_CODES.has(code)) || violatedProtocol(client));
      this.log.debug({ sessionId: client.sessionId, code, grace, noticed }, 'client dropped');
      if (!grace) return;
      const waiting = this.allowReconnection(client, RECONNECT_GRACE_SECONDS);
      waiting.catch(() => undefined); // expiry → onLeave
      this.leaveNotices.waiting(client.sessionId, waiting);
    }

    /**
     * A page's leave notice (POST /rooms/<roomId>/leave, called through the matchmaker so it reaches the
     * process holding this room): ends the session's grace at once, or — its socket still open, the page
     * gone — closes that socket, and the drop gets no grace. See leave-notices.ts.
     */
    leaveNoticed(sessionId: string, token: string): LeaveNoticeOutcome {
      const outcome = this.leaveNotices.notice(sessionId, token);
      this.log.debug({ sessionId, outcome }, 'leave notice');
      const open = outcome === 'kept' ? this.clients.getById(sessionId) : undefined;
      if (open) dropSocket(open); // its page is gone: its drop follows, with no grace
      return outcome;
    }

    /** A reconnected client starts from a blank picture: send it every position it may see again. */
    override onReconnect(client: Client): void {
      this.spectators.reconnected(client);
      const occupant = this.occupants.get(client.sessionId);
      if (!occupant) return;
      occupant.client = client; // the new connection's client object
      occupant.selfSentTick = -1;
      occupant.visible.resetSent();
      this.voice?.rejoined(this.voiceListener(occupant));
      this.log.debug({ sessionId: client.sessionId }, 'client reconnected');
    }

    override onLeave(client: Client, code?: number): void {
      this.leaveNotices.ended(client.sessionId);
      this.log.debug({ sessionId: client.sessionId, code }, 'client left');
      this.embeds.forget(client.sessionId);
      if (this.spectators.remove(client.sessionId)) return this.countSpectators();
      const occupant = this.occupants.get(client.sessionId);
      if (occupant) {
        this.meter?.left(occupant);
        this.items.release(occupant);
        this.voice?.left(client.sessionId, occupant.accountId);
      }
      this.occupants.delete(client.sessionId);
      this.state.avatars.delete(client.sessionId);
      this.state.visitors = this.occupants.size;
      if (occupant) {
        this.interest?.detach(occupant, this.occupants.values());
        this.netIds.release(occupant.netId);
      }
      this.social.forget(client.sessionId);
      if (code !== undefined && NO_GRACE_CLOSE_CODES.has(code))
        this.log.warn({ sessionId: client.sessionId, code }, 'client removed for a protocol error');
    }

    /**
     * This process drains (SIGTERM; Colyseus has locked the room): changes stop, carried items are put
     * down, the final state is saved and the instance number freed — only then is everyone told to rejoin
     * (4001), so the process they land on next loads all of it.
     */
    override onBeforeShutdown(): void {
      this.draining = true;
      void this.saveAndRelease()
        .catch((error: unknown) => this.log.error({ err: error }, 'draining: the final save failed'))
        .finally(() => {
          this.log.info({ visitors: this.occupants.size }, 'drained: visitors are told to rejoin');
          return this.disconnect(CloseCode.SERVER_SHUTDOWN);
        });
    }

    override async onDispose(): Promise<void> {
      deps.metrics.roomDisposed(this);
      this.leaveNotices.clear();
      this.unsubscribe?.();
      await this.meter?.flush(this.occupants.values());
      await this.saveAndRelease();
      if (this.persisted)
        this.log.info(
          { presses: this.persisted.presses, revision: this.persisted.savedRevision },
          'world room disposed',
        );
    }

    /** Saves the final state (queued presses included), then frees the instance number; once only. */
    private saveAndRelease(): Promise<void> {
      this.closing ??= (async () => {
        for (const occupant of this.occupants.values()) this.items.release(occupant);
        try {
          await this.persisted?.close();
        } finally {
          if (this.instance > 0)
            await deps.instanceLock
              .release(this.world.id, this.instance, this.roomId)
              .catch((error: unknown) =>
                this.log.error({ err: error }, 'releasing the instance number failed'),
              );
        }
      })();
      return this.closing;
    }

    /** Applies changed world settings to the running instance: capacity for new joins, the voice mode. */
    private async reloadSettings(): Promise<void> {
      const fresh = await deps.worlds.findBySlug(this.world.slug);
      if (!fresh) return; // deleted: its own event closes the instance
      this.world = fresh;
      this.maxClients = Math.min(fresh.capacity, deps.capacity);
      this.voice?.setSettings(
        voiceSettingsOf(fresh),
        [...this.occupants.values()].map((occupant) => this.voiceListener(occupant)),
      );
      this.log.info({ capacity: this.maxClients, voiceMode: fresh.voice_mode }, 'world settings reloaded');
    }

    private voiceListener(occupant: Occupant): VoiceListener {
      return voiceListenerOf(occupant, this.social.mutedFor(occupant.client.sessionId) ?? null);
    }

    private enqueueInput(client: Client, input: MoveInput): void {
      const occupant = this.draining ? undefined : this.occupants.get(client.sessionId);
      if (!occupant || input.seq <= occupant.ackSeq) return; // stale or duplicate
      if (occupant.inputs.length >= INPUT_BUFFER_SIZE) occupant.inputs.shift();
      occupant.inputs.push(input);
    }

    /**
     * One fixed step: at most one input per avatar, then each client's area of interest brought up to
     * date, then the movement frames.
     */
    private tick(): void {
      const started = performance.now();
      const tick = ++this.ticks;
      for (const occupant of this.occupants.values()) {
        this.actions.interact(occupant, tick);
        if (this.actions.teleport(occupant, tick)) {
          occupant.movedAtTick = tick;
          this.interest?.refreshSoon(occupant); // what it sees is where it was
        }
        const input = occupant.inputs.shift();
        if (!input) continue;
        const { body } = occupant;
        if (occupant.avatar.seat !== '') {
          // Seated: an input without intent keeps it seated; one with intent stands it up, then moves it.
          if (!wantsToMove(input)) {
            occupant.ackSeq = input.seq;
            continue;
          }
          this.actions.standUp(occupant);
        }
        const x = body.x;
        const y = body.y;
        const z = body.z;
        const yaw = body.yaw;
        step(body, input, STEP_SECONDS, this.scene.world);
        if (this.actions.checkPortal(occupant)) this.interest?.refreshSoon(occupant);
        occupant.ackSeq = input.seq;
        if (body.x !== x || body.y !== y || body.z !== z || body.yaw !== yaw) occupant.movedAtTick = tick;
      }
      this.items.follow(tick);
      if (tick % VOICE_EVERY_TICKS === 0 && this.voice?.active)
        this.voice.update(
          [...this.occupants.values()].map((occupant) => this.voiceListener(occupant)),
          this.scene.world,
        );
      this.interest?.update(tick, this.occupants, this.items.all);
      this.interest?.updateWatchers(tick, this.spectators.all.values(), this.items.all);
      if (this.persisted) {
        this.persisted.apply();
        this.state.presses = this.persisted.presses; // also picks up presses merged from other instances
      }
      const simulated = performance.now();
      deps.metrics.roomTickSeconds.observe((simulated - started) / 1000);
      deps.metrics.roomTickMs.observe(simulated - started);
      // The movement frames are this room's per-tick patch: timed as patches, not as simulation.
      this.movement.send(tick, this.occupants, this.spectators.all);
      deps.metrics.roomPatchMs.observe(performance.now() - simulated);
    }

    /** Times each schema patch (who is where changes rarely; positions go in movement frames). */
    override broadcastPatch(): boolean {
      const started = performance.now();
      const changed = super.broadcastPatch();
      if (changed) deps.metrics.roomPatchMs.observe(performance.now() - started);
      return changed;
    }
  };
}
