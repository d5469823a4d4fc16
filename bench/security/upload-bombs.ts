/**
 * Upload bombs through the real upload endpoint (POST /assets) of a server running as its own process with
 * its default limits: a zip that inflates to 2 GB (and one whose headers lie about it), zip-slip entries
 * (relative, absolute), a PNG declaring 100,000 × 100,000 pixels, an accessor declaring 2 billion items,
 * a glTF with a million validator issues, a meshopt buffer that claims to decode to 4 GB, and buffer and
 * image URIs pointing at a loopback listener and the cloud metadata service.
 *
 * While they run, the resident memory of the server's whole process tree (its asset worker threads
 * included; child processes too) is sampled every 50 ms, and the kernel's high-water mark (VmHWM) read at
 * the end. Pass: every bomb refused — a 4xx at upload or a rejected job — within BOMB_DEADLINE_S each; the
 * tree never above 1 GB; no connection to the listener; no file written outside DATA_DIR (the zip-slip
 * entries carry a marker name, looked for wherever they could have landed). Baseline, in the same run: the
 * server's memory after start, and a harmless triangle uploaded and accepted (so refusals are the bombs').
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { zipSync } from 'fflate';
import {
  jsonBytes,
  pngClaiming,
  texturedTriangleZip,
  triangleBin,
  triangleGltf,
} from '../shared/bad-uploads.js';
import { RENDERER_IDLE_MS } from '../../server/assets/asset-job-runner.js';
import { freshSchema } from '../rollout/saved-state.js';
import { BENCH_OPERATOR, operatorToken } from '../shared/bench-api.js';
import { connectionCounter } from '../shared/connection-counter.js';
import { startBenchServer } from '../shared/server-process.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;
/** A bomb must be refused within this many seconds of its upload starting. */
const BOMB_DEADLINE_S = 60;
const RSS_LIMIT_BYTES = GB;

export interface BombOutcome {
  name: string;
  uploadBytes: number;
  /** The upload's HTTP status (202 when it became a job). */
  status: number;
  /** rejected, failed, succeeded — or refused (at upload) or timeout. */
  outcome: string;
  /** The first problem's code, or the refusal's detail. */
  reason: string;
  seconds: number;
  /** The process tree's peak memory while this bomb was handled (bombs only). */
  peakMb?: number;
}

export interface UploadBombFigures {
  bombs: BombOutcome[];
  /** Peak resident memory of the server's process tree while the bombs ran, and at rest before. */
  peakRssMb: number;
  restRssMb: number;
  /** What the tree held at rest and at its peak, by command. */
  restTree: string;
  peakTree: string;
  listenerConnections: number;
  escapedFiles: string[];
  baselineAccepted: boolean;
  pass: boolean;
}

export function uploadBombsPass(figures: Omit<UploadBombFigures, 'pass'>): boolean {
  return (
    figures.bombs.length > 0 &&
    figures.bombs.every(
      (bomb) => ['rejected', 'refused'].includes(bomb.outcome) && bomb.seconds <= BOMB_DEADLINE_S,
    ) &&
    figures.peakRssMb * MB <= RSS_LIMIT_BYTES &&
    figures.listenerConnections === 0 &&
    figures.escapedFiles.length === 0 &&
    figures.baselineAccepted
  );
}

/**
 * A zip of a glTF and `bytes` of zeros, deflated by zlib in chunks (the harness never holds the inflated
 * data; fflate's deflate takes ~25 s a GB of zeros, zlib ~1 s). Sizes stay under 4 GB (no ZIP64).
 */
async function zipBomb(bytes: number): Promise<Uint8Array> {
  const deflater = zlib.createDeflateRaw({ level: 9 });
  const compressed: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => compressed.push(chunk));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  const chunk = Buffer.alloc(16 * MB);
  let crc = 0;
  for (let written = 0; written < bytes; written += chunk.length) {
    crc = zlib.crc32(chunk, crc);
    if (!deflater.write(chunk)) await new Promise((resolve) => deflater.once('drain', resolve));
  }
  deflater.end();
  await done;
  const gltf = Buffer.from(jsonBytes(triangleGltf('zeros.bin')));
  return zipOf([
    { name: 'model.gltf', method: 0, data: gltf, crc: zlib.crc32(gltf), size: gltf.length },
    { name: 'zeros.bin', method: 8, data: Buffer.concat(compressed), crc, size: bytes },
  ]);
}

/** A zip (stored or deflated entries, no ZIP64) of entries already compressed. */
function zipOf(entries: Array<{ name: string; method: number; data: Buffer; crc: number; size: number }>) {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, entry.data);
    central.push(header, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, directory, end]));
}

/** The same bomb with every declared inflated size rewritten to 1 KB. */
function lyingZip(bomb: Uint8Array): Uint8Array {
  const bytes = Buffer.from(bomb);
  for (let offset = 0; offset < bytes.length - 4; offset += 1) {
    const signature = bytes.readUInt32LE(offset);
    if (signature === 0x04034b50) bytes.writeUInt32LE(1024, offset + 22);
    if (signature === 0x02014b50) bytes.writeUInt32LE(1024, offset + 24);
  }
  return bytes;
}

/** A glTF whose million nodes each name a mesh that does not exist. */
function millionIssues(): Uint8Array {
  const gltf = triangleGltf();
  gltf.nodes = Array.from({ length: 1_000_000 }, () => ({ mesh: 7 }));
  gltf.scenes = [{ nodes: [0] }];
  return jsonBytes(gltf);
}

/** A meshopt-compressed buffer view that claims to decode to 4 GB (count × stride). */
function meshoptBomb(): Uint8Array {
  const gltf = triangleGltf(undefined, {
    extensionsUsed: ['EXT_meshopt_compression'],
    extensionsRequired: ['EXT_meshopt_compression'],
  });
  gltf.buffers = [
    (gltf.buffers as object[])[0]!,
    { byteLength: 4 * GB, extensions: { EXT_meshopt_compression: { fallback: true } } },
  ];
  gltf.bufferViews = [
    {
      buffer: 1,
      byteLength: 4 * GB - 4,
      byteStride: 4,
      extensions: {
        EXT_meshopt_compression: {
          buffer: 0,
          byteLength: 36,
          byteStride: 4,
          count: GB - 1,
          mode: 'ATTRIBUTES',
        },
      },
    },
  ];
  return jsonBytes(gltf);
}

/** Memory (PSS) of `pid` and each of its descendants (Linux /proc), in bytes, with what each runs. */
async function treeRss(
  pid: number,
): Promise<{ total: number; processes: Array<{ command: string; mb: number }> }> {
  const processes: Array<{ command: string; mb: number }> = [];
  let total = 0;
  const visit = async (id: number) => {
    try {
      const status = await readFile(`/proc/${id}/status`, 'utf8');
      // Proportional set size: pages shared between processes (Chromium's) counted once across them.
      const rollup = await readFile(`/proc/${id}/smaps_rollup`, 'utf8').catch(() => status);
      const bytes = Number(/(?:Pss|VmRSS):\s+(\d+) kB/.exec(rollup)?.[1] ?? 0) * 1024;
      total += bytes;
      const command = (await readFile(`/proc/${id}/comm`, 'utf8')).trim();
      processes.push({ command, mb: Math.round(bytes / MB) });
      for (const task of await readdir(`/proc/${id}/task`)) {
        const children = await readFile(`/proc/${id}/task/${task}/children`, 'utf8').catch(() => '');
        for (const child of children.split(/\s+/).filter(Boolean)) await visit(Number(child));
      }
    } catch {
      // gone meanwhile
    }
  };
  await visit(pid);
  return { total, processes };
}

/** The processes of a tree sample, summed by command: "node 240 MB, chrome 3 × 410 MB". */
function byCommand(sample: Awaited<ReturnType<typeof treeRss>>): string {
  const groups = new Map<string, number[]>();
  for (const { command, mb } of sample.processes) groups.set(command, [...(groups.get(command) ?? []), mb]);
  return [...groups]
    .map(
      ([command, mbs]) =>
        `${command} ${mbs.length > 1 ? `${mbs.length} × ` : ''}${mbs.reduce((a, b) => a + b, 0)} MB`,
    )
    .join(', ');
}

async function highWaterMark(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export async function runUploadBombs(): Promise<UploadBombFigures> {
  const listener = await connectionCounter();
  const probe = `http://127.0.0.1:${listener.port}`;
  const marker = `escaped-${randomBytes(4).toString('hex')}`;
  // On PostgreSQL, as a deployment runs: the embedded database alone holds ~500 MB (its WASM memory).
  const schema = await freshSchema();
  const server = await startBenchServer({
    DATABASE_URL: schema.url,
    DEV_CHAIN: 'off',
    ...BENCH_OPERATOR,
    RATE_LIMIT_WRITES_PER_MINUTE: '100000',
  });
  let peak = 0;
  let peakTree = '';
  /** The tree's peak since the current bomb's upload began. */
  let bombPeak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const sample = await treeRss(server.pid);
      if (sample.total > peak) [peak, peakTree] = [sample.total, byCommand(sample)];
      bombPeak = Math.max(bombPeak, sample.total);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    const accessToken = await operatorToken(server.url);
    const upload = async (name: string, body: Uint8Array, mediaType: string): Promise<BombOutcome> => {
      const started = performance.now();
      const query = new URLSearchParams({ profile: 'scene', name, lods: 'false' });
      const response = await fetch(`${server.url}/assets?${query.toString()}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': mediaType },
        body: Buffer.from(body),
      }).catch((error: unknown) => {
        const cause = (error as { cause?: Error }).cause;
        throw new Error(`uploading ${name}: ${(error as Error).message} (${cause?.message ?? 'no cause'})`);
      });
      const answer = (await response.json()) as { id?: string; detail?: string };
      const base = { name, uploadBytes: body.length, status: response.status };
      const seconds = () => Math.round((performance.now() - started) / 100) / 10;
      if (!answer.id) return { ...base, outcome: 'refused', reason: answer.detail ?? '', seconds: seconds() };
      for (;;) {
        const job = (await (
          await fetch(`${server.url}/assets/jobs/${answer.id}`, {
            headers: { authorization: `Bearer ${accessToken}` },
          })
        ).json()) as { status: string; problems: Array<{ code: string }> | null; error: string | null };
        if (!['queued', 'running'].includes(job.status))
          return {
            ...base,
            outcome: job.status,
            reason: job.problems?.[0]?.code ?? job.error ?? '',
            seconds: seconds(),
          };
        if (seconds() > BOMB_DEADLINE_S * 2)
          return { ...base, outcome: 'timeout', reason: '', seconds: seconds() };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const baseline = await upload('triangle.gltf', jsonBytes(triangleGltf()), 'model/gltf+json');
    // Chromium (the baseline's thumbnail) closes once idle; the bombs never reach the thumbnail stage.
    await new Promise((resolve) => setTimeout(resolve, RENDERER_IDLE_MS + 2_000));
    const rest = await treeRss(server.pid);
    const bomb = await zipBomb(2 * GB);
    const bombs: BombOutcome[] = [];
    const run = async (name: string, body: Uint8Array | Promise<Uint8Array>, mediaType: string) => {
      const bytes = await body;
      bombPeak = 0;
      const outcome = { ...(await upload(name, bytes, mediaType)), peakMb: Math.round(bombPeak / MB) };
      console.error(`  ${name}: ${JSON.stringify(outcome)}`);
      bombs.push(outcome);
    };
    await run('zip inflating to 2 GB', bomb, 'application/zip');
    await run('zip lying about its 2 GB', lyingZip(bomb), 'application/zip');
    await run(
      'zip-slip',
      zipSync({
        'model.gltf': jsonBytes(triangleGltf('tri.bin')),
        'tri.bin': triangleBin(),
        [`../../../${marker}.bin`]: triangleBin(),
        [`/tmp/${marker}-absolute.bin`]: triangleBin(),
      }),
      'application/zip',
    );
    await run(
      'PNG declaring 100000 × 100000',
      texturedTriangleZip(await pngClaiming(100_000, 100_000)),
      'application/zip',
    );
    const hugeCount = triangleGltf();
    (hugeCount.accessors as Array<{ count: number }>)[0]!.count = 2_000_000_000;
    await run('accessor declaring 2 billion items', jsonBytes(hugeCount), 'model/gltf+json');
    await run('a million validator issues', millionIssues(), 'model/gltf+json');
    await run('meshopt buffer claiming 4 GB', meshoptBomb(), 'model/gltf+json');
    await run('buffer URI at loopback', jsonBytes(triangleGltf(`${probe}/tri.bin`)), 'model/gltf+json');
    await run(
      'buffer URI at the metadata service',
      jsonBytes(triangleGltf('http://169.254.169.254/latest/meta-data/')),
      'model/gltf+json',
    );
    await run(
      'image URI at loopback',
      jsonBytes(triangleGltf(undefined, { images: [{ uri: `${probe}/t.png` }], textures: [{ source: 0 }] })),
      'model/gltf+json',
    );

    sampling = false;
    await sampler;
    peak = Math.max(peak, await highWaterMark(server.pid));
    const escapedFiles = [
      path.resolve(process.cwd(), '..', `${marker}.bin`),
      path.join(tmpdir(), `${marker}.bin`),
      `/tmp/${marker}-absolute.bin`,
      `/${marker}.bin`,
    ].filter((file) => existsSync(file));
    const figures = {
      bombs,
      peakRssMb: Math.round(peak / MB),
      restRssMb: Math.round(rest.total / MB),
      restTree: byCommand(rest),
      peakTree,
      listenerConnections: listener.connections(),
      escapedFiles,
      baselineAccepted: baseline.outcome === 'succeeded',
    };
    return { ...figures, pass: uploadBombsPass(figures) };
  } finally {
    sampling = false;
    await sampler;
    await server.stop();
    await schema.drop();
    await listener.close();
  }
}
