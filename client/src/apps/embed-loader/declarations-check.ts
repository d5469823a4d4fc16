/**
 * Compile-time only: the hand-written declarations served at /embed.d.ts (client/public/embed.d.ts) must
 * match the loader's real classes, both ways — `npm run typecheck` fails when one changes without the other.
 */
import type * as Served from '../../../public/embed.js';
import type { MibWorld, MibWorldError } from './mib-world.js';
import type { EmbedErrorCode } from '../../shared/embed/embed-messages.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Is<T extends true> = T;

export type DeclarationsMatch = [
  Is<Same<Served.EmbedErrorCode, EmbedErrorCode>>,
  Is<Same<Pick<Served.MibWorld, keyof Served.MibWorld>, Pick<MibWorld, keyof Served.MibWorld>>>,
  Is<Same<Served.MibWorldError['code'], MibWorldError['code']>>,
];
