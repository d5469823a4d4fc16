/** Each editor's colour: picked from its account id, so it is the same on every page and every visit. */
const PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#46c8c8',
  '#f032e6',
  '#9a6324',
  '#008080',
  '#800000',
];

export function colourOfAccount(accountId: string): string {
  let hash = 0;
  for (const char of accountId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length]!;
}
