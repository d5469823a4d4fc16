/**
 * One instance's contribution to its organization's usage: peak concurrent visitors (counted across every
 * instance at each join) and visitor time (added every flush, and for each visitor who leaves in between).
 * Failures are logged; metering never disturbs the room.
 */
import type { Logger } from 'pino';
import type { UsageService } from '../control-plane/index.js';
import type { InstanceDirectory } from '../control-plane/index.js';
import type { Occupant } from './occupant.js';

export class RoomUsageMeter {
  /** Visitor time of those who left since the last flush, in seconds, and when that flush was. */
  private unmeteredSeconds = 0;
  private meteredAt = Date.now();

  constructor(
    private readonly usage: UsageService,
    private readonly instances: InstanceDirectory,
    private readonly orgId: string,
    private readonly log: () => Logger,
  ) {}

  /** A visitor joined; `here` is this instance's visitor count with them. */
  joined(here: number): void {
    this.instances
      .byOrg(this.orgId)
      .then((listed) => this.usage.recordConcurrency(this.orgId, Math.max(listed, here)))
      .catch((error: unknown) => this.log().error({ err: error }, 'recording usage failed'));
  }

  left(occupant: Occupant): void {
    this.unmeteredSeconds += this.secondsSinceFlush(occupant, Date.now());
  }

  /** Adds visitor time since the last flush (of those here and those who left) to the usage. */
  flush(here: Iterable<Occupant>): Promise<void> {
    const now = Date.now();
    let seconds = this.unmeteredSeconds;
    for (const occupant of here) seconds += this.secondsSinceFlush(occupant, now);
    this.unmeteredSeconds = 0;
    this.meteredAt = now;
    return this.usage
      .addVisitorSeconds(this.orgId, seconds)
      .catch((error: unknown) => this.log().error({ err: error, seconds }, 'recording visitor time failed'));
  }

  private secondsSinceFlush(occupant: Occupant, now: number): number {
    return (now - Math.max(occupant.joinedAt, this.meteredAt)) / 1000;
  }
}
