/**
 * The crash harness' checker: what clients saw acknowledged against what is stored after recovery. Pure,
 * so its own test can plant a lost, a duplicated and an invented write and see each caught.
 */

export interface WriteLedger {
  /** Presses sent, and answered (an answer comes after the save that holds the press committed). */
  pressesSent: number;
  pressesAcknowledged: number;
  /** Scene edits by their unique id: every one sent, and those answered 2xx. */
  editsSent: ReadonlySet<string>;
  editsAcknowledged: ReadonlySet<string>;
}

export interface StoredWrites {
  /** The demo button's stored press count. */
  presses: number;
  /** The unique id of every harness edit found in the stored draft, once per occurrence. */
  edits: readonly string[];
}

export interface AcknowledgedCheck {
  /** Acknowledged but not stored: presses short of the acknowledged count, plus edits missing. */
  lost: number;
  /** Stored more than once (an edit's id found twice), or presses beyond what was ever sent. */
  duplicated: number;
  /** Stored edits whose id was never sent. */
  invented: number;
  /** Up to 10 ids of lost edits, for the report. */
  lostEdits: string[];
}

export function checkAcknowledged(ledger: WriteLedger, stored: StoredWrites): AcknowledgedCheck {
  const counts = new Map<string, number>();
  for (const id of stored.edits) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lostEdits = [...ledger.editsAcknowledged].filter((id) => !counts.has(id));
  let duplicated = Math.max(0, stored.presses - ledger.pressesSent);
  let invented = 0;
  for (const [id, count] of counts) {
    if (count > 1) duplicated += count - 1;
    if (!ledger.editsSent.has(id)) invented++;
  }
  return {
    lost: Math.max(0, ledger.pressesAcknowledged - stored.presses) + lostEdits.length,
    duplicated,
    invented,
    lostEdits: lostEdits.slice(0, 10),
  };
}
