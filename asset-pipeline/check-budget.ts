/** Compares measured figures with a profile's budget; each violation names the limit, allowed and measured. */
import type { AssetProblem } from './errors.js';
import type { AssetMeasures } from './measure-document.js';
import { AVATAR_RIG_BONES, type Budget, type ProfileName } from './profiles.js';

export interface BudgetCheck {
  limit: string;
  allowed: number;
  measured: number;
  ok: boolean;
}

export function checkBudget(measures: AssetMeasures, fileBytes: number, budget: Budget): BudgetCheck[] {
  const checks: BudgetCheck[] = [
    { limit: 'triangles', allowed: budget.triangles, measured: measures.triangles, ok: true },
    { limit: 'materials', allowed: budget.materials, measured: measures.materials, ok: true },
    { limit: 'textures', allowed: budget.textures, measured: measures.textures, ok: true },
    { limit: 'textureMaxPx', allowed: budget.textureMaxPx, measured: measures.textureMaxPx, ok: true },
    { limit: 'fileBytes', allowed: budget.fileBytes, measured: fileBytes, ok: true },
  ];
  if (budget.bones !== undefined)
    checks.push({ limit: 'bones', allowed: budget.bones, measured: measures.bones, ok: true });
  if (budget.influences !== undefined) {
    checks.push({ limit: 'influences', allowed: budget.influences, measured: measures.influences, ok: true });
  }
  if (budget.gpuTextureBytes !== undefined) {
    checks.push({
      limit: 'gpuTextureBytes',
      allowed: budget.gpuTextureBytes,
      measured: measures.gpuTextureBytes,
      ok: true,
    });
  }
  if (budget.fitsAvatarRig) {
    const foreign = measures.jointNames.filter((name) => !AVATAR_RIG_BONES.has(name)).length;
    checks.push({ limit: 'jointsOutsideAvatarRig', allowed: 0, measured: foreign, ok: true });
  }
  for (const check of checks) check.ok = check.measured <= check.allowed;
  return checks;
}

const FIXES: Record<string, string> = {
  triangles: 'simplify the model, or upload with fit=true to simplify it automatically',
  materials: 'merge materials (a texture atlas), or choose a larger profile',
  textures: 'merge textures into an atlas, or choose a larger profile',
  textureMaxPx: 'resize the textures, or upload with fit=true to resize them automatically',
  fileBytes: 'reduce geometry and texture sizes, or upload with fit=true',
  bones: 'remove bones from the skeleton',
  influences: 'limit skinning to 4 influences per vertex in your exporter',
  gpuTextureBytes: 'use fewer or smaller textures, or KTX2 (ktx2=true)',
  jointsOutsideAvatarRig: 'name the skin joints after the avatar rig bones (hips, spine, chest, …)',
};

export function budgetProblems(checks: BudgetCheck[], profile: ProfileName): AssetProblem[] {
  return checks
    .filter((check) => !check.ok)
    .map((check) => ({
      code: 'OVER_BUDGET',
      message: `${check.limit} is ${check.measured}, over the ${check.allowed} allowed for profile "${profile}"; ${FIXES[check.limit] ?? 'reduce it'}`,
      limit: check.limit,
      allowed: check.allowed,
      measured: check.measured,
    }));
}
