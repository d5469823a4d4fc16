/**
 * What a scene weighs, summed from its assets' pipeline reports, against its world's limits. Per model
 * entity: triangles and draw calls (each copy is drawn). Per distinct asset: textures, GPU texture memory
 * and download bytes (every level of detail; a file is fetched once however many entities use it). Plus
 * the entity and light counts. An uploaded HDR environment counts like a sky. Assets without a report (images used as skies, files lost) count as zero
 * and are listed as unmeasured.
 */
import type { Kysely } from 'kysely';
import type { AssetReport } from '../../../asset-pipeline/index.js';
import {
  isAssetHash,
  SCENE_LIMIT_NAMES,
  sceneEntities,
  type SceneBudget,
  type SceneDocument,
  type SceneLimitName,
  type SceneLimits,
} from '../../../protocol/index.js';
import type { Database } from '../../db/tables.js';

/** How many of the heaviest entities a budget names. */
const HEAVIEST = 5;

interface AssetWeight {
  triangles: number;
  drawCalls: number;
  textures: number;
  gpuTextureBytes: number;
  downloadBytes: number;
}

export async function measureScene(
  db: Kysely<Database>,
  scene: SceneDocument,
  limits: SceneLimits,
): Promise<SceneBudget> {
  const entities = sceneEntities(scene);
  const models = entities.flatMap((e) =>
    e.components.model ? [{ id: e.id, name: e.name ?? null, asset: e.components.model.asset }] : [],
  );
  const skies = entities.flatMap((e) => {
    const sky = e.components.environment?.sky;
    return sky !== undefined && !sky.startsWith('#') ? [sky] : [];
  });
  // Uploaded HDR environments: their EXR's download and GPU bytes (the sky's one draw call with them).
  const environments = entities.flatMap((e) => {
    const hdri = e.components.environment?.hdri;
    return hdri !== undefined && isAssetHash(hdri) ? [hdri] : [];
  });
  const hashes = [...new Set([...models.map((m) => m.asset), ...skies, ...environments])];
  const rows =
    hashes.length === 0
      ? []
      : await db.selectFrom('assets').select(['hash', 'report']).where('hash', 'in', hashes).execute();
  const weights = new Map<string, AssetWeight>(
    rows.map((row) => {
      const report = row.report as AssetReport;
      const measures = report.output.measures;
      return [
        row.hash,
        {
          triangles: measures.triangles,
          drawCalls: measures.drawCalls,
          textures: measures.textures,
          gpuTextureBytes: measures.gpuTextureBytes,
          downloadBytes: report.output.bytes + report.lods.reduce((sum, lod) => sum + lod.bytes, 0),
        },
      ];
    }),
  );
  const zero: AssetWeight = { triangles: 0, drawCalls: 0, textures: 0, gpuTextureBytes: 0, downloadBytes: 0 };
  const totals: Record<SceneLimitName, number> = {
    triangles: 0,
    drawCalls: 0,
    textures: 0,
    gpuTextureBytes: 0,
    downloadBytes: 0,
    entities: entities.length,
    lights: entities.filter((e) => e.components.light !== undefined).length,
  };
  for (const model of models) {
    const weight = weights.get(model.asset) ?? zero;
    totals.triangles += weight.triangles;
    totals.drawCalls += weight.drawCalls;
  }
  for (const sky of [...skies, ...environments]) {
    const weight = weights.get(sky) ?? zero;
    totals.triangles += weight.triangles;
    totals.drawCalls += weight.drawCalls;
  }
  for (const hash of hashes) {
    const weight = weights.get(hash) ?? zero;
    totals.textures += weight.textures;
    totals.gpuTextureBytes += weight.gpuTextureBytes;
    totals.downloadBytes += weight.downloadBytes;
  }
  const heaviest = models
    .map((model) => {
      const weight = weights.get(model.asset) ?? zero;
      return {
        entity: model.id,
        name: model.name,
        asset: model.asset,
        triangles: weight.triangles,
        drawCalls: weight.drawCalls,
        gpuTextureBytes: weight.gpuTextureBytes,
        downloadBytes: weight.downloadBytes,
      };
    })
    .sort(
      (a, b) =>
        b.triangles - a.triangles || b.downloadBytes - a.downloadBytes || (a.entity < b.entity ? -1 : 1),
    )
    .slice(0, HEAVIEST);
  const checks = SCENE_LIMIT_NAMES.map((limit) => ({
    limit,
    allowed: limits[limit],
    total: totals[limit],
    ok: totals[limit] <= limits[limit],
  }));
  return {
    limits: checks,
    heaviest,
    unmeasured: hashes.filter((hash) => !weights.has(hash)),
    ok: checks.every((check) => check.ok),
  };
}
