/** Which movement keys are held. Listens on window; `readIntent` fills a reused object each step. */
import type { MoveIntent } from '../../../../../protocol/index.js';

const held = new Set<string>();
/**
 * Movement keys pressed since the last `readIntent`: a tap shorter than a frame (a quick jump, or a frame
 * that took long) still counts for one step instead of being lost between two samples.
 */
const tapped = new Set<string>();
/** E was pressed since the last `takeUse()`: use the nearest scene item. */
let usePressed = false;
/** Index into EMOTES of the digit key (1–6) pressed since the last `takeEmote()`, or -1. */
let emotePressed = -1;
const EMOTE_KEYS = ['Digit1', 'Digit2', 'Digit3', 'Digit4', 'Digit5', 'Digit6'];

const MOVEMENT_KEYS = new Set([
  'KeyW',
  'KeyA',
  'KeyS',
  'KeyD',
  'ArrowUp',
  'ArrowDown',
  'ArrowLeft',
  'ArrowRight',
  'ShiftLeft',
  'ShiftRight',
  'Space',
]);

/** A field that takes keys of its own (text, a range, a list): the world ignores keys typed there. */
export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  );
}

/** Controls that Space and Enter activate when a keyboard user has focused them. */
const ACTIVATED_BY_KEYS = 'button, a[href], summary, [role="button"], [role="radio"], [role="menuitem"]';

/**
 * Whether a key belongs to the focused control rather than to the world: everything typed into a field,
 * and Space or Enter on a button, link or radio — so a keyboard user presses the HUD's buttons instead of
 * jumping or opening the chat. (A button clicked with the pointer gives up its focus: see installKeyboard.)
 */
export function keyBelongsToControl(event: Pick<KeyboardEvent, 'code' | 'target'>): boolean {
  if (isTyping(event.target)) return true;
  if (event.code !== 'Space' && event.code !== 'Enter' && event.code !== 'NumpadEnter') return false;
  return event.target instanceof Element && event.target.closest(ACTIVATED_BY_KEYS) !== null;
}

export function installKeyboard(target: Window = window): () => void {
  const down = (event: KeyboardEvent): void => {
    if (keyBelongsToControl(event)) return;
    if (event.code === 'KeyE' && !event.repeat) {
      usePressed = true;
      event.preventDefault();
      return;
    }
    const emote = EMOTE_KEYS.indexOf(event.code);
    if (emote >= 0 && !event.repeat) {
      emotePressed = emote;
      return;
    }
    if (!MOVEMENT_KEYS.has(event.code)) return;
    held.add(event.code);
    if (!event.repeat) tapped.add(event.code);
    event.preventDefault();
  };
  const up = (event: KeyboardEvent): void => {
    held.delete(event.code);
  };
  const clear = (): void => {
    held.clear();
    tapped.clear();
  };
  // A HUD button clicked with the pointer (detail > 0; keyboard activation has 0) lets go of the focus,
  // so the next Space jumps instead of pressing it again. Focus reached with Tab stays, and shows.
  const pointerClick = (event: MouseEvent): void => {
    const button = event.target instanceof Element ? event.target.closest('button') : null;
    if (event.detail > 0 && button && button === document.activeElement) button.blur();
  };
  target.addEventListener('keydown', down);
  target.addEventListener('keyup', up);
  target.addEventListener('blur', clear);
  target.addEventListener('click', pointerClick);
  return () => {
    target.removeEventListener('keydown', down);
    target.removeEventListener('keyup', up);
    target.removeEventListener('blur', clear);
    target.removeEventListener('click', pointerClick);
    held.clear();
  };
}

/** Whether E was pressed since the last call (each press counts once). */
export function takeUse(): boolean {
  const pressed = usePressed;
  usePressed = false;
  return pressed;
}

/** Holds or releases a movement key from an on-screen control (the touch jump button). */
export function setHeldKey(code: string, down: boolean): void {
  if (!MOVEMENT_KEYS.has(code)) return;
  if (down) held.add(code);
  else held.delete(code);
}

/** The emote (index into EMOTES) asked for by a digit key since the last call, or -1. */
export function takeEmote(): number {
  const pressed = emotePressed;
  emotePressed = -1;
  return pressed;
}

/** Asks for an emote as the digit keys do (the emote bar's buttons). */
export function pressEmote(index: number): void {
  emotePressed = index;
}

/** Held now, or pressed since the last step. */
const down = (code: string): boolean => held.has(code) || tapped.has(code);

/**
 * Writes the held (or just tapped) keys as movement intent, one step's worth. The camera looks along +z,
 * so forward (W) is +z and the screen's right (D) is -x.
 */
export function readIntent(out: MoveIntent): MoveIntent {
  const forward = (down('KeyW') || down('ArrowUp') ? 1 : 0) - (down('KeyS') || down('ArrowDown') ? 1 : 0);
  const right = (down('KeyD') || down('ArrowRight') ? 1 : 0) - (down('KeyA') || down('ArrowLeft') ? 1 : 0);
  out.x = -right;
  out.z = forward;
  out.run = down('ShiftLeft') || down('ShiftRight');
  out.jump = down('Space');
  tapped.clear();
  return out;
}
