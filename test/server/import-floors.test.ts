/**
 * The server's parts import downward only, along its floors (docs/architecture.md, "Parts"):
 * config and observability → db → control-plane → voice, assets, wallets → rooms → nft → http → the files
 * at server/'s top (start-server, main). A part that needs something of a higher floor gets it handed in
 * through an interface of its own (e.g. rooms/nft-ports.ts). Type imports count: they tie files together
 * for every reader and refactoring just the same. And no import circle at all, inside a floor either.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SERVER = path.resolve('server');
const FLOORS: Record<string, number> = {
  config: 0,
  observability: 0,
  db: 1,
  'control-plane': 2,
  voice: 3,
  assets: 3,
  wallets: 3,
  rooms: 4,
  nft: 5,
  http: 6,
  // The ops command (backup, restore, move): beside http, on the floors below; nothing imports it.
  ops: 6,
};
const TOP = 7;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [file] : [];
  });
}

/** The server files `file` imports or re-exports from (relative specifiers; `.js` names the `.ts`). */
function importsOf(file: string, known: Set<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) => path.resolve(path.dirname(file), fileName).replace(/\.js$/, '.ts'))
    .map((target) => (known.has(target) ? target : path.join(target, 'index.ts')))
    .filter((target) => known.has(target));
}

function floorOf(file: string): number {
  const [part, ...rest] = path.relative(SERVER, file).split(path.sep);
  if (rest.length === 0) return TOP;
  const floor = FLOORS[part!];
  if (floor === undefined)
    throw new Error(`server/${part}/ has no floor: add it to FLOORS here and to docs/architecture.md`);
  return floor;
}

const files = sourceFiles(SERVER);
const known = new Set(files);
const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
const name = (file: string): string => path.relative(process.cwd(), file);

describe('server import floors', () => {
  it('reads a real import graph', () => {
    // A parser that found nothing would pass the checks below: make sure it sees the known wiring.
    expect(graph.get(path.join(SERVER, 'start-server.ts'))).toContain(
      path.join(SERVER, 'config', 'app-config.ts'),
    );
    expect([...graph.values()].reduce((sum, targets) => sum + targets.length, 0)).toBeGreaterThan(300);
  });

  it('imports only from the same floor or below', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => floorOf(target) > floorOf(file))
        .map((target) => `${name(file)} → ${name(target)}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import circle', () => {
    // Depth-first search; a grey file reached again closes a circle.
    const state = new Map<string, 'grey' | 'black'>();
    const circles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      state.set(file, 'grey');
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'grey') {
          const path = [...trail, file];
          circles.push([...path.slice(path.indexOf(target)), target].map(name).join(' → '));
        } else if (!state.has(target)) visit(target, [...trail, file]);
      }
      state.set(file, 'black');
    };
    for (const file of files) if (!state.has(file)) visit(file, []);
    expect(circles).toEqual([]);
  });
});
