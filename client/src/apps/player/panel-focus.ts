/** Moving the keyboard focus into the HUD's panels, which mount a moment after they are asked for. */

/** What can take the focus inside a panel, in document order. */
const FOCUSABLE =
  'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Longest wait for a panel to appear (its code may still be downloading: see on-demand.tsx), in ms. */
const WAIT_MS = 5_000;

/** Focuses the first control in the element matching `selector` once it is there (gives up after 5 s). */
export function focusFirstWhenShown(selector: string): void {
  const until = performance.now() + WAIT_MS;
  const attempt = () => {
    const first = document.querySelector(selector)?.querySelector<HTMLElement>(FOCUSABLE);
    if (first) first.focus();
    else if (performance.now() < until) requestAnimationFrame(attempt);
  };
  requestAnimationFrame(attempt);
}

/** Whether the focus is inside `selector` and was put there by the keyboard (it shows: :focus-visible). */
export function focusedByKeyboard(selector: string): boolean {
  const active = document.activeElement;
  return (
    active instanceof HTMLElement && active.closest(selector) !== null && active.matches(':focus-visible')
  );
}
