/** The emote buttons (also keys 1–6): the avatar plays it, and so does everyone's view of it. */
import { EMOTES } from '../../protocol/index.js';
import { pressEmote } from './systems/keyboard.js';

const LABEL: Record<(typeof EMOTES)[number], string> = {
  wave: 'Wave',
  dance: 'Dance',
  clap: 'Clap',
  laugh: 'Laugh',
  shrug: 'Shrug',
  point: 'Point',
};

export function EmoteBar({ onPicked }: { onPicked: () => void }) {
  return (
    <div className="emotes" role="menu" aria-label="Emotes">
      {EMOTES.map((emote, index) => (
        <button
          type="button"
          role="menuitem"
          key={emote}
          data-emote={emote}
          onClick={() => {
            pressEmote(index);
            onPicked();
          }}
        >
          {LABEL[emote]} <kbd>{index + 1}</kbd>
        </button>
      ))}
    </div>
  );
}
