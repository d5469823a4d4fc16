/** Progress of one asset through the pipeline: the stage it is in and the overall percent (0–100). */
export const STAGES = ['ingest', 'validate', 'prepare', 'optimize', 'lods', 'thumbnail', 'store'] as const;
export type Stage = (typeof STAGES)[number];

export interface Progress {
  stage: Stage;
  percent: number;
}

export type ProgressListener = (progress: Progress) => void;

/** Share of the whole job each stage takes (roughly, from timing real models), summing to 100. */
const WEIGHTS: Record<Stage, number> = {
  ingest: 3,
  validate: 7,
  prepare: 20,
  optimize: 40,
  lods: 20,
  thumbnail: 5,
  store: 5,
};

/** Overall percent when `stage` is `fraction` (0–1) done. */
export function percentAt(stage: Stage, fraction: number): number {
  let before = 0;
  for (const name of STAGES) {
    if (name === stage) break;
    before += WEIGHTS[name];
  }
  return Math.min(100, Math.round(before + WEIGHTS[stage] * Math.max(0, Math.min(1, fraction))));
}
