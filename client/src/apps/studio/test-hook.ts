/**
 * What the studio shows tests (`window.__mibStudio`): the draft as the editor holds it, the selection, the
 * save state, the camera, and where an entity is on the page — read-only figures, so browser tests can
 * check and aim without reaching into React. Written on every render of the editor.
 */
import type { SceneDocument } from '../../../../protocol/index.js';
import type { SaveState } from './draft-session.js';
import type { ViewportApi } from './viewport-api.js';

export interface StudioTestHook {
  scene: SceneDocument | null;
  selection: string[];
  save: SaveState['kind'];
  /** Other editors live on the draft, as this studio shows them. */
  others: {
    name: string;
    canEdit: boolean;
    selection: string[];
    camera: { position: number[]; target: number[] } | null;
  }[];
  /** The name of the editor whose view this studio follows. */
  following: string | null;
  notices: string[];
  viewport: Pick<ViewportApi, 'project' | 'view' | 'drawn' | 'redraw'> | null;
}

export function publishStudioHook(hook: StudioTestHook): void {
  (window as unknown as { __mibStudio?: StudioTestHook }).__mibStudio = hook;
}
