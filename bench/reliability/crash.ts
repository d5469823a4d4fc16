/**
 * Harness 2, crash durability, on PostgreSQL and on the embedded database: a visitor presses the demo
 * button, another carries the demo crate about (each put-down with a unique ref, item-mover.ts), an editor
 * adds entities to the demo draft through REST and a studio session adds entities live in another world's
 * editor room (each edit with a unique id) while the
 * server process is SIGKILLed `kills` times at seeded random moments; on PostgreSQL (a cluster of the
 * harness' own) the database is also stopped with `-m immediate` `databaseCrashes` times under the same
 * writes and started again. After the last kill the server starts once more and the checker
 * (acknowledged.ts) compares what the clients saw acknowledged with what the world holds.
 *
 * Pass: 0 lost, 0 duplicated, 0 invented; each time, back in the world within 10 s of the kill (the new
 * process started and a visitor joined); the process never exits on a database crash. The crate is checked
 * after every restart (where the mover finds it) and at the end.
 */
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { random } from '../shared/random.js';
import { percentile } from '../shared/stats.js';
import { freePort, startBenchServer, type BenchServer } from '../shared/server-process.js';
import { joinWorld } from '../shared/visitors.js';
import { checkAcknowledged, type AcknowledgedCheck } from './acknowledged.js';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';
import { EDIT_PREFIX, newLedger, operatorToken, startWriters } from './writers.js';
import { COLLAB_WORLD, createCollabWorld, startCollabWriter } from './collab-writer.js';
import { checkCrate, newMoveLedger, startMover } from './item-mover.js';

/** A fresh DATA_DIR that `nobody` (the embedded PostgreSQL's user when run as root) may enter. */
async function enterableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o711);
  return dir;
}

export type Engine = 'postgres' | 'embedded';

export interface CrashFigures extends AcknowledgedCheck {
  engine: Engine;
  kills: number;
  databaseCrashes: number;
  /** Exits of the server while the database was down (must be 0). */
  exitsOnDatabaseCrash: number;
  pressesSent: number;
  pressesAcknowledged: number;
  pressesStored: number;
  editsSent: number;
  editsAcknowledged: number;
  editsStored: number;
  /** Live edits in the editor room: made, acknowledged (*saved* after them) and found in the draft. */
  collabSent: number;
  collabAcknowledged: number;
  collabStored: number;
  /** Put-downs of the crate: sent, acknowledged (`itemSaved`), and poses checked after restarts. */
  movesSent: number;
  movesAcknowledged: number;
  moveChecks: number;
  /** Kill → the next process ready and a visitor in the world, in ms. */
  backInWorldMsP50: number;
  backInWorldMsMax: number;
  editRefusals: string[];
  pass: boolean;
}

const OPERATOR = { email: 'crash-operator@example.com', password: 'crash-operator-password' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function killHard(server: BenchServer): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGKILL');
  await exited;
}

export async function runCrash(
  engine: Engine,
  { kills = 10, databaseCrashes = 3, seed = 26 } = {},
): Promise<CrashFigures> {
  const next = random(seed);
  const database: PrivatePostgres | undefined =
    engine === 'postgres' ? await startPrivatePostgres() : undefined;
  const port = await freePort();
  const env = {
    PORT: String(port),
    DATA_DIR: await enterableTempDir(`mib-crash-${engine}-`),
    OPERATOR_EMAIL: OPERATOR.email,
    OPERATOR_PASSWORD: OPERATOR.password,
    DEV_CHAIN: 'off',
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    ...(database && { DATABASE_URL: database.url }),
  };
  const ledger = newLedger();
  const collabLedger = newLedger();
  const moveLedger = newMoveLedger();
  let editNumber = 0;
  const nextId = (): string => String(++editNumber);
  const backInWorldMs: number[] = [];
  const refusals: string[] = [];
  let exitsOnDatabaseCrash = 0;
  // Database crashes go into the middle of evenly spread cycles.
  const crashCycles = new Set(
    Array.from({ length: database ? databaseCrashes : 0 }, (_, i) =>
      Math.floor(((i + 0.5) * kills) / databaseCrashes),
    ),
  );
  let server = await startBenchServer(env);
  const freshToken = () => operatorToken(server.url, OPERATOR.email, OPERATOR.password);
  await createCollabWorld(server.url, await freshToken());
  const collab = await startCollabWriter(server.url, freshToken, collabLedger, nextId);
  let collabStopped = false;
  try {
    for (let cycle = 0; cycle < kills; cycle++) {
      const token = await operatorToken(server.url, OPERATOR.email, OPERATOR.password);
      const writers = await startWriters(server.url, token, ledger, nextId);
      const mover = await startMover(server.url, moveLedger, next);
      await sleep(1_000 + next() * 2_500);
      if (database && crashCycles.has(cycle)) {
        await database.crash();
        await sleep(1_000 + next() * 1_000);
        await database.start();
        await sleep(2_000 + next() * 1_000);
        if (server.child.exitCode !== null) exitsOnDatabaseCrash++;
      }
      const killedAt = performance.now();
      await killHard(server);
      // The writers wind down meanwhile (their visitor's SDK may still be trying to reconnect).
      const stopped = Promise.all([writers.stop(), mover.stop()]);
      server = await startBenchServer(env);
      const visitor = await joinWorld(server.url, { name: 'Returning' });
      backInWorldMs.push(performance.now() - killedAt);
      await visitor.leave();
      await stopped;
      refusals.push(...writers.refusals.slice(0, 5 - refusals.length));
      console.error(
        `crash ${engine}: kill ${cycle + 1}/${kills}, back in ${Math.round(backInWorldMs.at(-1)!)} ms, presses ${ledger.pressesAcknowledged}/${ledger.pressesSent}, edits ${ledger.editsAcknowledged.size}/${ledger.editsSent.size}, live ${collabLedger.editsAcknowledged.size}/${collabLedger.editsSent.size}, moves ${moveLedger.moves.filter((m) => m.acknowledged).length}/${moveLedger.moves.length}`,
      );
    }
    // The live session's last edits: saved once it is back (it may still be rejoining).
    await collab.stop(15_000);
    collabStopped = true;
    // What the worlds hold now, read as a client would.
    const token = await freshToken();
    const harnessEdits = async (slug: string): Promise<string[]> => {
      const draft = (await (
        await fetch(`${server.url}/worlds/${slug}/scene/draft`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { entities: Record<string, { name?: string }> };
      return Object.values(draft.entities)
        .map((entity) => entity.name ?? '')
        .filter((name) => name.startsWith(EDIT_PREFIX));
    };
    const edits = await harnessEdits('demo');
    const collabEdits = await harnessEdits(COLLAB_WORLD);
    const checker = await joinWorld(server.url, { name: 'Checker' });
    const presses = checker.presses();
    await checkCrate(checker, moveLedger);
    await checker.leave();
    const rest = checkAcknowledged(ledger, { presses, edits });
    const live = checkAcknowledged(collabLedger, { presses: 0, edits: collabEdits });
    const check = {
      lost: rest.lost + live.lost + moveLedger.lost,
      duplicated: rest.duplicated + live.duplicated,
      invented: rest.invented + live.invented + moveLedger.invented,
      lostEdits: [...rest.lostEdits, ...live.lostEdits].slice(0, 10),
    };
    const backMax = Math.max(...backInWorldMs);
    return {
      engine,
      kills,
      databaseCrashes: crashCycles.size,
      exitsOnDatabaseCrash,
      pressesSent: ledger.pressesSent,
      pressesAcknowledged: ledger.pressesAcknowledged,
      pressesStored: presses,
      editsSent: ledger.editsSent.size,
      editsAcknowledged: ledger.editsAcknowledged.size,
      editsStored: edits.length,
      collabSent: collabLedger.editsSent.size,
      collabAcknowledged: collabLedger.editsAcknowledged.size,
      collabStored: collabEdits.length,
      movesSent: moveLedger.moves.length,
      movesAcknowledged: moveLedger.moves.filter((move) => move.acknowledged).length,
      moveChecks: moveLedger.checks,
      ...check,
      backInWorldMsP50: Math.round(percentile(backInWorldMs, 50)),
      backInWorldMsMax: Math.round(backMax),
      editRefusals: [...refusals, ...collab.refusals].slice(0, 5),
      pass:
        check.lost === 0 &&
        check.duplicated === 0 &&
        check.invented === 0 &&
        exitsOnDatabaseCrash === 0 &&
        backMax <= 10_000 &&
        ledger.pressesAcknowledged > 0 &&
        ledger.editsAcknowledged.size > 0 &&
        collabLedger.editsAcknowledged.size > 0 &&
        moveLedger.checks === kills &&
        moveLedger.moves.some((move) => move.acknowledged),
    };
  } finally {
    if (!collabStopped) await collab.stop(0).catch(() => undefined);
    await killHard(server);
    await database?.close();
  }
}
