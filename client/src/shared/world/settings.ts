/**
 * The visitor's settings: graphics quality (pixel ratio, shadows, level-of-detail bias, a frame-rate cap),
 * voice volume and whether to show the scene's colliders,
 * kept in this browser (localStorage) and checked when read back — a bad or old stored value falls back to
 * the defaults rather than breaking the page.
 */
import { z } from 'zod';

export const QUALITY_PRESETS = {
  low: { pixelRatio: 0.75, shadows: false, lodBias: 0.6, effects: false, sceneDetail: false },
  medium: { pixelRatio: 1, shadows: false, lodBias: 1, effects: false, sceneDetail: true },
  high: { pixelRatio: 2, shadows: true, lodBias: 1.5, effects: true, sceneDetail: true },
} as const;
export type QualityPreset = keyof typeof QUALITY_PRESETS;

export const settingsSchema = z.object({
  /** The preset last chosen, or 'custom' once a single setting was changed. */
  quality: z.enum(['low', 'medium', 'high', 'custom']),
  /** Canvas pixels per CSS pixel (above the screen's own ratio it supersamples). */
  pixelRatio: z.number().min(0.5).max(2),
  shadows: z.boolean(),
  /** Post-processing: ambient occlusion and glow (fetched when first turned on; the high preset's). */
  effects: z.boolean().default(false),
  /** A scene's HDR sky and lighting and its ground's patterns (off in the low preset: several times the frame). */
  sceneDetail: z.boolean().default(true),
  /** Multiplies the distances at which avatars switch to simpler levels of detail (more = finer). */
  lodBias: z.number().min(0.5).max(2),
  /** 0 … 1, applied to every remote voice. */
  voiceVolume: z.number().min(0).max(1),
  /** 0 … 1, applied to the sound of the scene's video screens. */
  mediaVolume: z.number().min(0).max(1).default(1),
  /** Draws the scene's colliders (invisible otherwise), for creators checking where walls are. */
  showColliders: z.boolean().default(false),
  /**
   * Frames drawn per second at most; 0 draws at the display's own rate. A cap saves battery and heat on a
   * laptop (and CPU where WebGL runs in software); the simulation keeps its own rate either way.
   */
  maxFps: z.number().int().min(0).max(240).default(0),
});
export type PlayerSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: PlayerSettings = {
  quality: 'medium',
  ...QUALITY_PRESETS.medium,
  voiceVolume: 1,
  mediaVolume: 1,
  showColliders: false,
  maxFps: 0,
};

/** The frame-rate caps the settings offer (0: the display's rate). */
export const FRAME_RATE_LIMITS = [0, 120, 60, 30, 15] as const;

/** The part of the Web Storage API the settings use (localStorage in a page). */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Where the settings are kept in localStorage. */
export const STORAGE_KEY = 'mib.settings.v1';

/**
 * This page's localStorage, or undefined where reading it throws: a frame on another site with third-party
 * storage blocked (embeds), or storage turned off.
 */
export function pageStorage(): SettingsStorage | undefined {
  try {
    // globalThis, not window: this module is DOM-free, so benchmarks (built without the DOM) use it too.
    return (globalThis as { localStorage?: SettingsStorage }).localStorage;
  } catch {
    return undefined;
  }
}

export function loadSettings(storage: Pick<SettingsStorage, 'getItem'> | undefined): PlayerSettings {
  try {
    const stored = storage?.getItem(STORAGE_KEY);
    if (!stored) return DEFAULT_SETTINGS;
    const parsed = settingsSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS; // unreadable storage (private mode) or malformed JSON
  }
}

export function saveSettings(
  storage: Pick<SettingsStorage, 'setItem'> | undefined,
  settings: PlayerSettings,
): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(settingsSchema.parse(settings)));
  } catch {
    // Storage full or disabled: the settings still apply for this visit.
  }
}

/** The settings with one preset applied. */
export const withPreset = (settings: PlayerSettings, quality: QualityPreset): PlayerSettings => ({
  ...settings,
  quality,
  ...QUALITY_PRESETS[quality],
});
