/**
 * The keyboard of a radio group (the WAI-ARIA radio pattern): the group is one Tab stop — its checked
 * radio — and the arrow keys move the choice (wrapping round), Home and End to either end.
 */
import type { KeyboardEvent } from 'react';

const STEPS: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/** The radio's tabIndex: 0 for the checked one (or the first, when none is), -1 for the rest. */
export function radioTabIndex<T>(options: readonly T[], value: T, option: T): 0 | -1 {
  const checked = options.includes(value) ? value : options[0];
  return option === checked ? 0 : -1;
}

/** onKeyDown for the element with role="radiogroup" around the radios (role="radio", in `options` order). */
export function radioGroupKeys<T>(options: readonly T[], value: T, choose: (next: T) => void) {
  return (event: KeyboardEvent<HTMLElement>): void => {
    const at = Math.max(0, options.indexOf(value));
    const step = STEPS[event.key];
    const next =
      event.key === 'Home'
        ? 0
        : event.key === 'End'
          ? options.length - 1
          : step === undefined
            ? -1
            : (at + step + options.length) % options.length;
    if (next < 0) return;
    event.preventDefault();
    choose(options[next]!);
    event.currentTarget.querySelectorAll<HTMLElement>('[role="radio"]')[next]?.focus();
  };
}
