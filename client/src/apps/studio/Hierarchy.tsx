/**
 * The entity tree: search by name or id, expand and collapse, click to select (Ctrl/⌘ adds or removes,
 * Shift selects a range), double-click or F2 to rename, drag onto an entity to move inside it, onto its
 * upper edge to move before it, or onto the strip below the tree to move to the top level. Only the rows
 * in view are in the page (TanStack Virtual), so a scene of thousands of entities scrolls and filters fast.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type DragEvent } from 'react';
import type { IdentifiedEntity, SceneEntity } from '../../../../protocol/index.js';

const ROW_PX = 26;
const DRAG_TYPE = 'application/x-metaverse-in-a-box-entities';

export type SelectMode = 'only' | 'toggle' | 'range';

interface Row {
  entity: IdentifiedEntity<SceneEntity>;
  depth: number;
  hasChildren: boolean;
}

/** Another editor who has an entity selected. */
export interface EditorMark {
  name: string;
  colour: string;
}
const NO_MARKS: ReadonlyMap<string, readonly EditorMark[]> = new Map();

export function Hierarchy({
  entities,
  selection,
  canEdit,
  onSelect,
  onRename,
  onMove,
  marks = NO_MARKS,
}: {
  /** In tree order (`sceneEntities`). */
  entities: IdentifiedEntity<SceneEntity>[];
  /** Other editors' selections: who has each entity selected (their name and colour). */
  marks?: ReadonlyMap<string, readonly EditorMark[]>;
  selection: readonly string[];
  canEdit: boolean;
  /** `visible` is the rows in view order, for a Shift range. */
  onSelect: (id: string, mode: SelectMode, visible: string[]) => void;
  onRename: (id: string, name: string) => void;
  /** Move `ids` inside `parent` (undefined = top level), or before `before` when given. */
  onMove: (ids: string[], parent: string | undefined, before?: string) => void;
}) {
  const [query, setQuery] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [renaming, setRenaming] = useState<string | null>(null);
  const [dropAt, setDropAt] = useState<{ id: string; zone: 'before' | 'inside' } | 'root' | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const selected = useMemo(() => new Set(selection), [selection]);

  const rows = useMemo(() => {
    const depth = new Map<string, number>();
    const parents = new Set<string>();
    for (const entity of entities) {
      depth.set(entity.id, entity.parent !== undefined ? (depth.get(entity.parent) ?? 0) + 1 : 0);
      if (entity.parent !== undefined) parents.add(entity.parent);
    }
    const needle = query.trim().toLowerCase();
    let shown: typeof entities;
    if (needle) {
      // Matches and the ancestors that lead to them, in tree order.
      const byId = new Map(entities.map((entity) => [entity.id, entity]));
      const keep = new Set<string>();
      for (const entity of entities)
        if ((entity.name ?? '').toLowerCase().includes(needle) || entity.id.toLowerCase().includes(needle))
          for (
            let at: string | undefined = entity.id;
            at !== undefined && !keep.has(at);
            at = byId.get(at)?.parent
          )
            keep.add(at);
      shown = entities.filter((entity) => keep.has(entity.id));
    } else {
      const hidden = new Set<string>();
      shown = entities.filter((entity) => {
        const under =
          entity.parent !== undefined && (hidden.has(entity.parent) || collapsed.has(entity.parent));
        if (under) hidden.add(entity.id);
        return !under;
      });
    }
    return shown.map((entity): Row => ({
      entity,
      depth: depth.get(entity.id) ?? 0,
      hasChildren: parents.has(entity.id),
    }));
  }, [entities, query, collapsed]);

  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  const visibleIds = () => rows.map((row) => row.entity.id);

  const dragged = (event: DragEvent): string[] | null => {
    const text = event.dataTransfer.getData(DRAG_TYPE);
    return text ? (JSON.parse(text) as string[]) : null;
  };
  const toggle = (id: string) =>
    setCollapsed((now) => {
      const next = new Set(now);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="studio-tree">
      <input
        type="search"
        className="studio-tree-search"
        aria-label="Search entities"
        placeholder={`Search ${entities.length} entities`}
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {query && rows.length === 0 && <p className="studio-empty">No entity is named like “{query}”.</p>}
      <div
        ref={scroller}
        className="studio-tree-rows"
        role="tree"
        aria-label="Entity tree"
        aria-multiselectable
        onKeyDown={(event) => {
          if (event.key === 'F2' && selection.length > 0 && canEdit) {
            event.preventDefault();
            setRenaming(selection.at(-1)!);
          }
        }}
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const { entity, depth, hasChildren } = rows[item.index]!;
            const isOpen = !collapsed.has(entity.id);
            const target = dropAt !== 'root' && dropAt?.id === entity.id ? dropAt.zone : null;
            return (
              <div
                key={entity.id}
                role="treeitem"
                aria-selected={selected.has(entity.id)}
                aria-level={depth + 1}
                aria-expanded={hasChildren ? isOpen : undefined}
                data-entity={entity.id}
                className={`studio-tree-row${selected.has(entity.id) ? ' selected' : ''}${target ? ` drop-${target}` : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_PX, paddingLeft: depth * 12 }}
                draggable={canEdit && renaming !== entity.id}
                onDragStart={(event) => {
                  const ids = selected.has(entity.id) ? [...selection] : [entity.id];
                  event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(ids));
                  event.dataTransfer.effectAllowed = 'move';
                }}
                onDragOver={(event) => {
                  if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
                  event.preventDefault();
                  const box = event.currentTarget.getBoundingClientRect();
                  const zone = event.clientY - box.top < box.height * 0.3 ? 'before' : 'inside';
                  if (target !== zone) setDropAt({ id: entity.id, zone });
                }}
                onDragLeave={() => setDropAt(null)}
                onDrop={(event) => {
                  event.preventDefault();
                  setDropAt(null);
                  const ids = dragged(event);
                  if (!ids) return;
                  const box = event.currentTarget.getBoundingClientRect();
                  if (event.clientY - box.top < box.height * 0.3) onMove(ids, entity.parent, entity.id);
                  else onMove(ids, entity.id);
                }}
              >
                {hasChildren && !query ? (
                  <button
                    type="button"
                    className="studio-tree-toggle"
                    aria-label={`${isOpen ? 'Collapse' : 'Expand'} ${entity.name ?? entity.id}`}
                    onClick={() => toggle(entity.id)}
                  >
                    {isOpen ? '▾' : '▸'}
                  </button>
                ) : (
                  <span className="studio-tree-toggle" />
                )}
                {renaming === entity.id ? (
                  <input
                    autoFocus
                    aria-label={`Rename ${entity.id}`}
                    defaultValue={entity.name ?? ''}
                    maxLength={120}
                    onBlur={(event) => {
                      setRenaming(null);
                      if (event.target.value.trim() !== (entity.name ?? ''))
                        onRename(entity.id, event.target.value);
                    }}
                    onKeyDown={(event) => {
                      event.stopPropagation();
                      if (event.key === 'Enter') event.currentTarget.blur();
                      if (event.key === 'Escape') setRenaming(null);
                    }}
                  />
                ) : (
                  <button
                    type="button"
                    className="studio-tree-name"
                    aria-pressed={selected.has(entity.id)}
                    onClick={(event) =>
                      onSelect(
                        entity.id,
                        event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'only',
                        visibleIds(),
                      )
                    }
                    onDoubleClick={() => canEdit && setRenaming(entity.id)}
                  >
                    {entity.name ?? entity.id}
                  </button>
                )}
                {marks.get(entity.id)?.map((mark) => (
                  <span
                    key={mark.name + mark.colour}
                    className="studio-tree-mark"
                    style={{ background: mark.colour }}
                    title={`Selected by ${mark.name}`}
                    aria-label={`Selected by ${mark.name}`}
                  />
                ))}
              </div>
            );
          })}
        </div>
      </div>
      {canEdit && (
        <div
          className={`studio-tree-root${dropAt === 'root' ? ' drop-inside' : ''}`}
          onDragOver={(event) => {
            if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
            event.preventDefault();
            setDropAt('root');
          }}
          onDragLeave={() => setDropAt(null)}
          onDrop={(event) => {
            event.preventDefault();
            setDropAt(null);
            const ids = dragged(event);
            if (ids) onMove(ids, undefined);
          }}
        >
          Drop here to move to the top level
        </div>
      )}
    </div>
  );
}
