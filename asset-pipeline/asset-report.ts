/** The JSON report kept with every asset: what came in, what went out, and how it measured up. */
import type { DetailResize } from './texture-detail.js';
import type { BudgetCheck } from './check-budget.js';
import type { AssetProblem } from './errors.js';
import type { AssetMeasures } from './measure-document.js';
import type { OptimizeOptions } from './optimize-options.js';
import type { ProfileName } from './profiles.js';
import type { AvatarDescription } from './vrm/describe-avatar.js';
import type { EnvironmentDescription } from './environment/process-environment.js';

export interface LodReport {
  /** 1, 2… (0 is the asset itself). */
  level: number;
  /** Target fraction of LOD0's vertices. */
  ratio: number;
  hash: string;
  bytes: number;
  triangles: number;
}

export interface AssetReport {
  /** sha-256 (hex) of the optimized GLB (an environment: its EXR): the asset's id. */
  hash: string;
  profile: ProfileName;
  options: OptimizeOptions;
  input: { bytes: number; format: 'glb' | 'gltf' | 'exr' | 'hdr'; fromZip: boolean; measures: AssetMeasures };
  output: { bytes: number; measures: AssetMeasures; texturePx: number };
  /** Every budget limit with its allowed and measured value (all ok, or the asset was rejected). */
  budget: BudgetCheck[];
  /** Automatic reductions made to fit the budget (fit=true). */
  /** Textures halved because their content is smooth enough to look the same (texture-detail.ts). */
  texturesSizedToDetail: DetailResize[];
  fitted: { vertexRatio?: number; texturePx?: number };
  warnings: AssetProblem[];
  moreWarnings: number;
  validatorVersion: string;
  lods: LodReport[];
  /** An `avatar` upload: what it is (VRM or rigged glTF) and who may wear it. */
  avatar?: AvatarDescription;
  /** An `environment` upload: its size, light and how it was written. */
  environment?: EnvironmentDescription;
  /** Time per stage, in milliseconds. */
  stageMs: Record<string, number>;
  thumbnail: { hash: string } | { skipped: string };
}
