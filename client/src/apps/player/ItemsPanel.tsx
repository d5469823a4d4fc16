/**
 * The visitor's items: the tokens their linked wallets hold (GET /nft/items), each with its picture, and
 * what they can do with it here — wear it (its picture on their name tag) or take it off, show it in one of
 * this world's NFT frames or take it out. Signed out, it offers wallet sign-in. Every refusal shows the
 * server's reason (a frame for editors only, a token that has left the wallet).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { sceneEntities } from '../../../../protocol/index.js';
import { accountClient, problemText } from '../../shared/api/account-client.js';
import type { Client } from '../../shared/api/generated/client/index.js';
import { nftCreate, nftListItems, nftRemove } from '../../shared/api/generated/sdk.gen.js';
import type { NftItems } from '../../shared/api/generated/types.gen.js';
import { rememberSignedIn, signedInAs } from '../../shared/net/guest-session.js';
import { WalletChoices } from '../../shared/ui/WalletChoices.js';
import { shortAddress } from '../../shared/wallet/injected-wallets.js';
import type { WorldStore } from '../../shared/world/world-store.js';

type Item = NftItems['items'][number];

interface FrameChoice {
  id: string;
  label: string;
  /** Any visitor may show a token there (else only the world's editors). */
  open: boolean;
}

/** The nft-frames of the scene this visitor is in; frames not marked open are for the world's editors. */
function framesOf(store: WorldStore): FrameChoice[] {
  if (!store.scene) return [];
  return sceneEntities(store.scene).flatMap((entity) => {
    const frame = entity.components['nft-frame'];
    if (!frame) return [];
    const name = entity.name ?? entity.id;
    return [{ id: entity.id, label: frame.open ? name : `${name} (editors only)`, open: frame.open }];
  });
}

function ItemRow(props: {
  item: Item;
  world: string;
  frames: FrameChoice[];
  busy: boolean;
  act: (what: string, run: (client: Client) => Promise<string | null>) => void;
}) {
  const { item, world, frames, busy, act } = props;
  const active = item.bindings.filter((binding) => binding.status === 'active');
  const worn = active.find((binding) => binding.use === 'wearable');
  const framed = active.filter((binding) => binding.use === 'frame');
  // Frames of this world that do not show this token already; an open one is offered first.
  const offered = frames.filter(
    (choice) => !framed.some((binding) => binding.world === world && binding.frame === choice.id),
  );
  const [picked, setFrame] = useState('');
  const frame = offered.some((choice) => choice.id === picked)
    ? picked
    : ((offered.find((choice) => choice.open) ?? offered[0])?.id ?? '');
  const frameLabel = (id: string | null) =>
    frames.find((choice) => choice.id === id)?.label ?? id ?? 'a frame';
  const bind =
    (body: { use: 'wearable' | 'frame'; world?: string; frame?: string }) => async (client: Client) => {
      const result = await nftCreate({
        client,
        body: {
          chainId: item.chainId,
          contract: item.contract,
          tokenId: item.tokenId,
          ...(item.standard === 'erc1155' ? { amount: '1' } : {}),
          ...body,
        },
      }).catch(() => undefined);
      return result?.data ? null : problemText(result?.error, result?.response, `use ${item.display.name}`);
    };
  const unbind = (id: string) => async (client: Client) => {
    const result = await nftRemove({ client, path: { id } }).catch(() => undefined);
    return result?.response?.ok ? null : problemText(result?.error, result?.response, 'remove the binding');
  };
  const name = item.display.name;
  return (
    <li className="item">
      {item.display.image ? (
        <img src={`/assets/files/${item.display.image}`} alt="" width={56} height={56} />
      ) : (
        <div className="item-no-picture" title={item.display.problem ?? 'No picture'} />
      )}
      <div className="item-body">
        <div className="item-name">{name}</div>
        <div className="item-origin">
          {item.chainName} · {shortAddress(item.contract)}
          {item.balance !== '1' && ` · ×${item.balance}`}
        </div>
        {worn && <div className="item-use">Worn</div>}
        {framed.map((binding) => (
          <div className="item-use" key={binding.id}>
            In{' '}
            {binding.world === world
              ? frameLabel(binding.frame)
              : `a frame of ${binding.world ?? 'another world'}`}
            <button
              type="button"
              disabled={busy}
              onClick={() => act(`${name} taken out of the frame`, unbind(binding.id))}
            >
              Take out
            </button>
          </div>
        ))}
        <div className="item-actions">
          {worn ? (
            <button type="button" disabled={busy} onClick={() => act(`${name} taken off`, unbind(worn.id))}>
              Take off
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(`Wearing ${name}`, bind({ use: 'wearable' }))}
            >
              Wear
            </button>
          )}
          {offered.length > 0 && (
            <>
              <select
                aria-label={`Frame for ${name}`}
                value={frame}
                onChange={(event) => setFrame(event.target.value)}
              >
                {offered.map((choice) => (
                  <option key={choice.id} value={choice.id}>
                    {choice.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                disabled={busy || !frame}
                onClick={() =>
                  act(`${name} shown in ${frameLabel(frame)}`, bind({ use: 'frame', world, frame }))
                }
              >
                Show in frame
              </button>
            </>
          )}
        </div>
      </div>
    </li>
  );
}

export function ItemsPanel({ store, world }: { store: WorldStore; world: string }) {
  const origin = window.location.origin;
  const [items, setItems] = useState<NftItems | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  const signedIn = signedInAs() !== null;
  const frames = useMemo(() => framesOf(store), [store, store.sceneVersion]);

  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    void accountClient(origin).then(async (client) => {
      if (!client) {
        if (current) setProblem('Your session ended: sign in again to see your items.');
        return;
      }
      const listed = await nftListItems({ client }).catch(() => undefined);
      if (!current) return;
      if (listed?.data) {
        setItems(listed.data);
        setProblem(null);
      } else setProblem(problemText(listed?.error, listed?.response, 'list your items'));
    });
    return () => {
      current = false;
    };
  }, [origin, signedIn, version]);

  const act = useCallback(
    (done: string, run: (client: Client) => Promise<string | null>) => {
      setBusy(true);
      setNotice(null);
      void accountClient(origin)
        .then((client) => (client ? run(client) : 'Your session ended: sign in again.'))
        .then((failure) => {
          setBusy(false);
          if (failure) setProblem(failure);
          else {
            setProblem(null);
            setNotice(done);
            setVersion((next) => next + 1);
          }
        });
    },
    [origin],
  );

  if (!signedIn)
    return (
      <div className="items-panel" role="dialog" aria-label="Items">
        <p>Sign in with a wallet to see what it holds, wear it and show it in this world’s frames.</p>
        <WalletChoices
          mode="sign-in"
          onDone={(session) => {
            if (session) rememberSignedIn(session);
            window.location.reload();
          }}
        />
      </div>
    );
  return (
    <div className="items-panel" role="dialog" aria-label="Items">
      {notice && (
        <div className="items-notice" role="status">
          {notice}
        </div>
      )}
      {problem && (
        <div className="sign-in-problem" role="alert">
          {problem}
        </div>
      )}
      {items === null && !problem && <div role="status">Reading your wallets…</div>}
      {items && items.wallets.length === 0 && (
        <p>No wallet is linked to your account: link one in the account panel to see its items.</p>
      )}
      {items && items.wallets.length > 0 && items.items.length === 0 && (
        <p>
          Your wallets ({items.wallets.map(shortAddress).join(', ')}) hold none of the collections this server
          lists.
        </p>
      )}
      {items?.problems.map((text) => (
        <div className="sign-in-problem" key={text}>
          {text}
        </div>
      ))}
      {items && items.items.length > 0 && (
        <ul className="items-list">
          {items.items.map((item) => (
            <ItemRow
              key={`${item.chainId}:${item.contract}:${item.tokenId}:${item.wallet}`}
              item={item}
              world={world}
              frames={frames}
              busy={busy}
              act={act}
            />
          ))}
        </ul>
      )}
      {items && items.more > 0 && <p>…and {items.more} more not listed.</p>}
    </div>
  );
}
