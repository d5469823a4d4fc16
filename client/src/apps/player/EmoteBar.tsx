/**
 * The emote wheel (also keys 1–6): the emotes in a ring around the middle of the view, the avatar plays the
 * one picked, and so does everyone's view of it. Escape, the middle or a click outside closes it.
 */
import { useEffect, type CSSProperties } from 'react';
import { EMOTES } from '../../../../protocol/index.js';
import { pressEmote } from '../../shared/world/systems/keyboard.js';

const LABEL: Record<(typeof EMOTES)[number], string> = {
  wave: 'Wave',
  dance: 'Dance',
  clap: 'Clap',
  laugh: 'Laugh',
  shrug: 'Shrug',
  point: 'Point',
};

export function EmoteBar({ onPicked }: { onPicked: () => void }) {
  useEffect(() => {
    const close = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onPicked();
    };
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [onPicked]);
  return (
    <div className="emote-wheel-backdrop" onClick={onPicked}>
      <div className="emotes" role="group" aria-label="Emotes" onClick={(event) => event.stopPropagation()}>
        {EMOTES.map((emote, index) => (
          <button
            type="button"
            key={emote}
            data-emote={emote}
            // Clockwise from the top, one slice each.
            style={{ '--turn': `${index / EMOTES.length}turn` } as CSSProperties}
            onClick={() => {
              pressEmote(index);
              onPicked();
            }}
          >
            {LABEL[emote]} <kbd>{index + 1}</kbd>
          </button>
        ))}
        <button type="button" className="emote-wheel-close" aria-label="Close the emotes" onClick={onPicked}>
          ×
        </button>
      </div>
    </div>
  );
}
