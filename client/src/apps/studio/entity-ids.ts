/**
 * New entity ids. Editing live, every id this studio mints ends in its tag (`-<tag>`, from the server), so
 * two editors adding at once never mint the same id; alone, ids are plain (`entity-3`, `lamp-copy`).
 */
let tag = '';

/** Set when the live draft welcomes this studio; '' when editing alone. */
export function setEntityIdTag(next: string): void {
  tag = next;
}

/** The first of `base`, `base-2`, `base-3`, … (each with the tag) that `taken` says is free. */
export function mintEntityId(base: string, taken: (id: string) => boolean): string {
  const withTag = (id: string) => (tag ? `${id}-${tag}` : id);
  let candidate = withTag(base);
  for (let n = 2; taken(candidate); n += 1) candidate = withTag(`${base}-${n}`);
  return candidate;
}
