/** What the editor asks of the viewport from outside the canvas (ViewportTools.tsx answers it). */
export interface ViewportApi {
  pick(clientX: number, clientY: number): string | null;
  /** Ids whose origin falls in the rectangle (client pixels). */
  inRect(x0: number, y0: number, x1: number, y1: number): string[];
  /** The surface point under the pointer (metres); the ground plane when nothing else is hit. */
  surfaceAt(clientX: number, clientY: number): [number, number, number];
  /** Frames the entities (and what is under them), or all when `ids` is 'all'. */
  frame(ids: readonly string[] | 'all'): void;
  /** Where an entity's origin is on the page (client pixels), or null when it is not in front. */
  project(id: string): { x: number; y: number } | null;
  /** A PNG of the view as it is now (without the handles), or null before anything is drawn. */
  snapshot(): Promise<Blob | null>;
  /** The camera as it is now, to come back to. */
  view(): { position: [number, number, number]; target: [number, number, number] } | null;
  /** Puts the camera there (following another editor's view). */
  look(view: { position: [number, number, number]; target: [number, number, number] }): void;
  /** What the last frame drew (draw calls, triangles), and how many frames have been drawn so far. */
  drawn(): { calls: number; triangles: number; frames: number };
  /** Draws the view again on the next frame though nothing changed (it is drawn only on change). */
  redraw(): void;
}
