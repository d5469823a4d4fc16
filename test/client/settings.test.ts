/**
 * The visitor's settings as stored in this browser: the frame-rate cap is kept and read back, settings
 * stored before it existed read as uncapped, and a stored value out of range falls back to the defaults
 * rather than breaking the page.
 */
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_SETTINGS,
  FRAME_RATE_LIMITS,
  loadSettings,
  saveSettings,
} from '../../client/src/shared/world/settings.js';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('player settings', () => {
  it('keeps a frame-rate cap, reads older settings as uncapped, and refuses an impossible cap', () => {
    const storage = memoryStorage();
    expect(DEFAULT_SETTINGS.maxFps).toBe(0);
    expect(FRAME_RATE_LIMITS).toContain(0);
    saveSettings(storage, { ...DEFAULT_SETTINGS, maxFps: 30 });
    expect(loadSettings(storage).maxFps).toBe(30);

    const { maxFps: _cap, ...older } = { ...DEFAULT_SETTINGS, quality: 'low' as const, pixelRatio: 0.75 };
    storage.items.set('mib.settings.v1', JSON.stringify(older));
    expect(loadSettings(storage)).toEqual({ ...older, maxFps: 0 });

    storage.items.set('mib.settings.v1', JSON.stringify({ ...DEFAULT_SETTINGS, maxFps: -5 }));
    expect(loadSettings(storage)).toEqual(DEFAULT_SETTINGS);
  });
});
