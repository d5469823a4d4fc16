/**
 * Where a worn token's model sits on an avatar: on the head (a hat, a crown), in the right hand (held), or
 * on the back (wings, a backpack). A token's metadata may name one as the attribute
 * `{"trait_type": "slot", "value": "hand"}`; without one (or with an unknown one) it is worn on the head.
 */
export const WEARABLE_SLOTS = ['head', 'hand', 'back'] as const;
export type WearableSlot = (typeof WEARABLE_SLOTS)[number];
export const DEFAULT_WEARABLE_SLOT: WearableSlot = 'head';

/** The slot `value` names, or the default for anything else (the metadata is the token creator's input). */
export function wearableSlot(value: unknown): WearableSlot {
  const named = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return (WEARABLE_SLOTS as readonly string[]).includes(named)
    ? (named as WearableSlot)
    : DEFAULT_WEARABLE_SLOT;
}

/** The slot a token's metadata `attributes` name (OpenSea's attribute list), or the default. */
export function slotFromAttributes(attributes: unknown): WearableSlot {
  if (!Array.isArray(attributes)) return DEFAULT_WEARABLE_SLOT;
  const slot = attributes.find(
    (attribute: unknown) =>
      typeof attribute === 'object' &&
      attribute !== null &&
      String((attribute as { trait_type?: unknown }).trait_type).toLowerCase() === 'slot',
  ) as { value?: unknown } | undefined;
  return wearableSlot(slot?.value);
}
