/**
 * asset-pipeline: glTF ingest — validate → budget → optimize → LOD → content-addressed store.
 * Public surface of the part. Nothing is implemented yet (see the asset pipeline issue); this file only
 * fixes where the part lives and that it must not import server/.
 */
export {};
