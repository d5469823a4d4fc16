/**
 * The bridge inside a running instance: what the scene's nft-frames show (the newest active frame binding
 * of each, from the database), what visitors wear (their newest active wearable binding's picture), which
 * locked portals they hold keys for, and the world's token gate applied to visitors already inside — when their
 * tokens move (or the gate changes) they are checked again and removed, with the reason, if they no longer
 * meet it. Both are driven by NftEvents; frames are also reloaded with each scene version.
 */
import type { Presence } from '@colyseus/core';
import type { MapSchema } from '@colyseus/schema';
import type { Logger } from 'pino';
import { DEFAULT_WEARABLE_SLOT, NftFrame } from '../../protocol/index.js';
import type { TokenDisplay } from '../db/tables.js';
import { TOKEN_GATE_CLOSE_CODE, sendAway } from './close-codes.js';
import type { EntryDecision, EntryGates, InstanceBindings } from './nft-ports.js';
import type { Occupant } from './occupant.js';
import { NFT_EVENTS_CHANNEL, type NftEvent } from './room-events.js';

export interface RoomNftDeps {
  gates: EntryGates;
  bindings: InstanceBindings;
  /** Where a token model's asset job ended (the assets service); undefined while it runs. */
  models?: { jobOutcome(id: string): Promise<{ asset: string } | { problem: string } | undefined> };
}

/** While a shown token's model is still being processed, frames are looked at again this often (ms). */
const MODEL_RECHECK_MS = 2_000;

/** What the room lends: its scene's frames and its visitors. */
export interface RoomHooks {
  sceneFrames(): ReadonlyMap<string, { binding: string | undefined }>;
  occupants(): Iterable<Occupant>;
}

export class WorldNft {
  /** Reloads in flight are chained, so an older answer never overwrites a newer one. */
  private queue: Promise<void> = Promise.resolve();
  /** Locked portals of this world each visitor's account holds a key for. */
  private readonly keys = new Map<string, ReadonlySet<string>>();
  /** The next look at frames whose model is still being processed. */
  private recheck: ReturnType<typeof setTimeout> | undefined;
  /** The next look at worn tokens whose model is still being processed. */
  private redress: ReturnType<typeof setTimeout> | undefined;
  private readonly awaitingModel = new Set<Occupant>();

  constructor(
    private readonly deps: RoomNftDeps,
    private readonly worldId: string,
    private readonly frames: MapSchema<NftFrame>,
    private readonly room: RoomHooks,
    private readonly log: () => Logger,
  ) {}

  /** Subscribes to the bridge's events and shows the frames; returns the unsubscribe. */
  async follow(presence: Presence): Promise<() => void> {
    const onEvent = (event: NftEvent) => this.onEvent(event);
    await presence.subscribe(NFT_EVENTS_CHANNEL, onEvent);
    this.reloadFrames();
    return () => {
      clearTimeout(this.recheck);
      clearTimeout(this.redress);
      void presence.unsubscribe(NFT_EVENTS_CHANNEL, onEvent);
    };
  }

  /** Shows the newest active binding of each of the scene's frames (honouring a frame's binding restriction). */
  reloadFrames(): void {
    const sceneFrames = this.room.sceneFrames();
    this.enqueue('reloading nft-frames failed', async () => {
      const rows = await this.deps.bindings.activeFrames(this.worldId);
      const shown = new Map<string, (typeof rows)[number]>();
      for (const row of rows) {
        const frame = row.target === null ? undefined : sceneFrames.get(row.target);
        if (!frame || shown.has(row.target!)) continue;
        if (frame.binding !== undefined && frame.binding !== row.id) continue;
        shown.set(row.target!, row);
      }
      for (const entity of [...this.frames.keys()]) if (!shown.has(entity)) this.frames.delete(entity);
      let pending = false;
      for (const [entity, row] of shown) {
        const frame = this.frames.get(entity) ?? new NftFrame();
        frame.name = row.metadata?.name ?? `#${row.token_id}`;
        frame.image = row.metadata?.image ?? '';
        const model = await this.modelOf(row.metadata);
        pending ||= model === undefined;
        frame.model = model ?? '';
        frame.chainId = row.chain_id;
        frame.contract = row.contract;
        frame.tokenId = row.token_id;
        if (!this.frames.has(entity)) this.frames.set(entity, frame);
      }
      clearTimeout(this.recheck);
      if (pending) this.recheck = setTimeout(() => this.reloadFrames(), MODEL_RECHECK_MS);
    });
  }

  /** A shown token's model: its asset hash, '' when it has none (or it failed), undefined while processed. */
  private async modelOf(display: TokenDisplay | null): Promise<string | undefined> {
    if (display?.model) return display.model;
    if (!display?.modelJob || !this.deps.models) return '';
    const outcome = await this.deps.models.jobOutcome(display.modelJob);
    if (!outcome) return undefined;
    return 'asset' in outcome ? outcome.asset : '';
  }

  /**
   * Loads what `occupants` wear (their newest active wearable binding's picture) and which locked portals
   * of this world they hold keys for.
   */
  dress(occupants: readonly Occupant[]): void {
    const accounts = occupants.flatMap((occupant) => (occupant.accountId ? [occupant.accountId] : []));
    if (accounts.length === 0) return;
    this.enqueue('loading what visitors wear and hold failed', async () => {
      const worn = await this.deps.bindings.wearing(accounts);
      const keys = await this.deps.bindings.keys(this.worldId, accounts);
      const waiting: Occupant[] = [];
      // One look at each model job, however many visitors wear its token.
      const jobs = new Map<string, Promise<string | undefined>>();
      const modelOf = (display: TokenDisplay | null) => {
        const job = display?.model ? undefined : display?.modelJob;
        if (job === undefined) return this.modelOf(display); // no job to look at: no I/O
        if (!jobs.has(job)) jobs.set(job, this.modelOf(display));
        return jobs.get(job)!;
      };
      for (const occupant of occupants) {
        if (!occupant.accountId) continue;
        const display = worn.get(occupant.accountId) ?? null;
        const model = await modelOf(display);
        if (model === undefined) waiting.push(occupant);
        occupant.avatar.wearing = display?.image ?? '';
        occupant.avatar.wearingModel = model ?? '';
        occupant.avatar.wearingSlot = display?.slot ?? DEFAULT_WEARABLE_SLOT;
        this.keys.set(occupant.accountId, keys.get(occupant.accountId) ?? new Set());
      }
      // A worn token's model still in the asset pipeline: dress them again once it may be done.
      for (const occupant of waiting) this.awaitingModel.add(occupant);
      if (waiting.length > 0 && this.redress === undefined)
        this.redress = setTimeout(() => {
          this.redress = undefined;
          const again = [...this.awaitingModel];
          this.awaitingModel.clear();
          this.dress(again);
        }, MODEL_RECHECK_MS);
    });
  }

  /** Whether `occupant` holds a key (an active key binding) for the locked portal `entity`. */
  opens(occupant: Occupant, entity: string): boolean {
    return occupant.accountId !== null && (this.keys.get(occupant.accountId)?.has(entity) ?? false);
  }

  /**
   * A bridge event: frames reload when this world is named; visitors named (or all, when the gate changed
   * or the chain reorganized) are checked against the gate and removed if they fail it.
   */
  private onEvent(event: NftEvent): void {
    const mine = event.worlds.includes(this.worldId);
    if (mine) this.reloadFrames();
    const everyone = mine || event.accounts === 'all';
    const named = new Set(event.accounts === 'all' ? [] : event.accounts);
    this.dress(
      [...this.room.occupants()].filter(
        (occupant) =>
          event.accounts === 'all' || (occupant.accountId !== null && named.has(occupant.accountId)),
      ),
    );
    this.enqueue('re-checking the token gate failed', async () => {
      const decisions = new Map<string | null, EntryDecision>();
      for (const occupant of [...this.room.occupants()]) {
        if (!everyone && (occupant.accountId === null || !named.has(occupant.accountId))) continue;
        if (!decisions.has(occupant.accountId))
          decisions.set(occupant.accountId, await this.deps.gates.decide(this.worldId, occupant.accountId));
        const decision = decisions.get(occupant.accountId)!;
        if (!decision.allowed) sendAway(occupant.client, TOKEN_GATE_CLOSE_CODE, decision.reason);
      }
    });
  }

  private enqueue(failure: string, work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => this.log().error({ err: error }, failure));
  }
}
