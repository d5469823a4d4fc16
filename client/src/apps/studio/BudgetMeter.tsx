/**
 * The scene budget, live: each limit of the world against the saved draft's total (GET …/draft/budget,
 * read again after every save), the heaviest entities (a click selects one), and the publish button —
 * blocked with the reasons while the scene is over a limit, as the server would refuse it.
 */
import { useEffect, useState } from 'react';
import { scenesBudget, scenesPublish } from '../../shared/api/generated/sdk.gen.js';
import type { SceneBudget } from '../../shared/api/generated/types.gen.js';
import { problemText, studioClient } from './studio-api.js';

const LABELS: Record<string, string> = {
  triangles: 'Triangles',
  drawCalls: 'Draw calls',
  textures: 'Textures',
  gpuTextureBytes: 'GPU textures',
  downloadBytes: 'Download',
  entities: 'Entities',
  lights: 'Lights',
};

function amount(limit: string, value: number): string {
  if (limit.endsWith('Bytes')) return `${(value / (1024 * 1024)).toFixed(1)} MB`;
  return value.toLocaleString('en');
}

export function BudgetMeter({
  slug,
  savedRevision,
  beforePublish,
  onSelect,
  onPublished,
  canEdit = true,
}: {
  slug: string;
  /** Changes after every save: the budget is read again. */
  savedRevision: number;
  /** Saves pending edits first, so what is published is what the creator sees. */
  beforePublish: () => Promise<void>;
  onSelect: (entity: string) => void;
  onPublished?: () => void;
  /** Publishing is for editors only (a read-only editor shows the budget alone). */
  canEdit?: boolean;
}) {
  const [budget, setBudget] = useState<SceneBudget | null>(null);
  const [message, setMessage] = useState('');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      const client = await studioClient();
      if (!client) return;
      const { data } = await scenesBudget({ client, path: { slug } });
      if (live && data) setBudget(data);
    })();
    return () => {
      live = false;
    };
  }, [slug, savedRevision]);

  const over = budget?.limits.filter((check) => !check.ok) ?? [];
  const publish = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      await beforePublish();
    } catch (error) {
      setBusy(false);
      return setOutcome(
        `Not published: the draft could not be saved first (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    const client = await studioClient();
    if (!client) return setBusy(false);
    const { data, error, response } = await scenesPublish({ client, path: { slug }, body: { message } });
    setBusy(false);
    setOutcome(data ? `Published version ${data.version}.` : problemText(error, response, 'publish'));
    if (data) {
      setMessage('');
      onPublished?.();
    }
  };

  return (
    <section className="studio-budget" aria-label="Scene budget">
      <h2>Budget</h2>
      {budget === null ? (
        <p className="studio-empty">Measuring…</p>
      ) : (
        <ul>
          {budget.limits.map((check) => (
            <li key={check.limit} className={check.ok ? '' : 'over'}>
              <span>{LABELS[check.limit] ?? check.limit}</span>
              <meter min={0} max={check.allowed || 1} value={Math.min(check.total, check.allowed || 1)} />
              <span>
                {amount(check.limit, check.total)} / {amount(check.limit, check.allowed)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {budget && budget.heaviest.length > 0 && (
        <details>
          <summary>Heaviest entities</summary>
          <ul>
            {budget.heaviest.map((entity) => (
              <li key={entity.entity}>
                <button type="button" onClick={() => onSelect(entity.entity)}>
                  {entity.name ?? entity.entity}: {entity.triangles.toLocaleString('en')} triangles
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {canEdit && (
        <form
          className="studio-publish"
          onSubmit={(event) => {
            event.preventDefault();
            void publish();
          }}
        >
          <input
            aria-label="Version message"
            placeholder="What changed"
            maxLength={500}
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
          <button type="submit" className="primary" disabled={busy || over.length > 0}>
            {busy ? 'Publishing…' : 'Publish'}
          </button>
        </form>
      )}
      {over.length > 0 && (
        <p className="studio-problem" role="alert">
          Over {over.map((check) => LABELS[check.limit] ?? check.limit).join(', ')}: lighten the scene to
          publish.
        </p>
      )}
      {outcome && <p role="status">{outcome}</p>}
    </section>
  );
}
