/**
 * Loads what the reference pickers offer for one open world: processed assets (the world's library, then
 * your own uploads; HDR environments apart from models), the worlds you can see, your active frame bindings, and spawn point names — this
 * draft's as it is now, another world's from its published scene (read once, then remembered).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SceneDocument } from '../../../../../protocol/index.js';
import { libraryList, nftList, scenesPublished, worldsList } from '../../../shared/api/generated/sdk.gen.js';
import { studioClient } from '../studio-api.js';
import type { ReferenceChoices } from './ReferencePicker.js';

function spawnNames(scene: {
  entities: Record<string, { components?: { 'spawn-point'?: { name: string } } }>;
}) {
  return Object.values(scene.entities).flatMap((entity) => entity.components?.['spawn-point']?.name ?? []);
}

export function useReferenceChoices(
  slug: string,
  scene: SceneDocument | null,
  refresh: number,
): ReferenceChoices {
  const [lists, setLists] = useState<Omit<ReferenceChoices, 'spawnsOf'>>({
    assets: [],
    environments: [],
    worlds: [],
    bindings: [],
  });
  const current = useRef(scene);
  current.current = scene;
  const published = useRef(new Map<string, Promise<string[]>>());

  const open = scene !== null;
  useEffect(() => {
    if (!open) return;
    let live = true;
    void (async () => {
      const client = await studioClient();
      if (!client) return;
      const [world, mine, worlds, bindings] = await Promise.all([
        libraryList({ client, query: { world: slug, limit: 100 } }),
        libraryList({ client, query: { limit: 100 } }),
        worldsList({ client, query: { limit: 100 } }),
        nftList({ client }),
      ]);
      if (!live) return;
      const assets = new Map<string, string>();
      const environments = new Map<string, { name: string; thumbnailUrl: string | null }>();
      for (const item of [...(world.data?.items ?? []), ...(mine.data?.items ?? [])]) {
        if (!item.assetHash || assets.has(item.assetHash) || environments.has(item.assetHash)) continue;
        if (item.profile === 'environment')
          environments.set(item.assetHash, { name: item.name, thumbnailUrl: item.thumbnailUrl });
        else assets.set(item.assetHash, item.name);
      }
      setLists({
        assets: [...assets].map(([hash, name]) => ({ hash, name })),
        environments: [...environments].map(([hash, entry]) => ({ hash, ...entry })),
        worlds: (worlds.data?.items ?? [])
          .filter((w) => w.slug !== slug)
          .map((w) => ({ slug: w.slug, name: w.name })),
        bindings: (bindings.data ?? [])
          .filter((b) => b.use === 'frame' && b.status === 'active')
          .map((b) => ({ id: b.id, name: `${b.display?.name ?? 'Token'} (#${b.tokenId})` })),
      });
    })();
    return () => {
      live = false;
    };
  }, [slug, refresh, open]);

  return useMemo(
    () => ({
      ...lists,
      spawnsOf: (world: string | undefined) => {
        if (world === undefined || world === slug)
          return Promise.resolve(current.current ? spawnNames(current.current) : []);
        let names = published.current.get(world);
        if (!names) {
          names = studioClient().then(async (client) => {
            if (!client) return [];
            const { data } = await scenesPublished({ client, path: { slug: world } });
            return data ? spawnNames(data) : [];
          });
          published.current.set(world, names);
        }
        return names;
      },
    }),
    [lists, slug],
  );
}
