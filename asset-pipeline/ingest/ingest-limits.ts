/** Caps applied while reading an upload, before anything large is decoded or allocated. */
export interface IngestLimits {
  /** Most files in a zip upload. */
  maxZipEntries: number;
  /** Most bytes all zip entries may inflate to, together (zip-bomb guard). */
  maxUnzippedBytes: number;
  /** Largest `data:` URI inside the glTF JSON, decoded, in bytes. */
  maxDataUriBytes: number;
  /** Largest texture, in pixels (width × height), that may be decoded (decompression-bomb guard). */
  maxImagePixels: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxZipEntries: 512,
  maxUnzippedBytes: 512 * 1024 * 1024,
  maxDataUriBytes: 8 * 1024 * 1024,
  maxImagePixels: 8192 * 8192,
};
