/**
 * The loading bar's position. The join handshake moves next to no bytes, so it takes a small fixed share
 * (HANDSHAKE_SHARE, in steps); the rest of the bar is the bytes needed to enter (EntryProgress: the scene
 * document, decoders, the models near the spawn), shown only once every such model's size is known so the
 * bar never runs ahead and then back.
 */
import type { EntryProgress } from '../assets/model-loads.js';

/** Where the bar stands at each step of the join, before bytes count. */
export const LOADING_STEPS = { connecting: 0.03, joining: 0.06, entering: 0.1 } as const;
const HANDSHAKE_SHARE = LOADING_STEPS.entering;
/** Share spent learning the near models' sizes (their metadata), before their bytes count. */
const SIZING_SHARE = 0.05;

export function entryBarProgress(entry: EntryProgress): number {
  if (entry.neededSized < entry.needed)
    return HANDSHAKE_SHARE + SIZING_SHARE * (entry.needed > 0 ? entry.neededSized / entry.needed : 0);
  const bytes = entry.total > 0 ? Math.min(1, entry.loaded / entry.total) : 1;
  // 1 itself means "entered": the bar stays just short until the models are drawn.
  return Math.min(0.99, HANDSHAKE_SHARE + SIZING_SHARE + (1 - HANDSHAKE_SHARE - SIZING_SHARE) * bytes);
}

/** Bytes as megabytes with one decimal, for the loading card. */
export const megabytes = (bytes: number): string => (bytes / 1_000_000).toFixed(1);
