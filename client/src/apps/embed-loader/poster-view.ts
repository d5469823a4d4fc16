/**
 * The widget's box inside its shadow root: the poster (the world's thumbnail, name, live population and
 * an Enter button), a message area for problems, and the frame once the world loads. Styled through
 * CSS variables and ::part()s (docs/embed.md lists them); works by keyboard; no motion under
 * prefers-reduced-motion.
 */

const STYLE = `
:host{display:block;position:relative;width:100%;aspect-ratio:16/9;min-height:180px;contain:content;
  --mib-background:#10131a;--mib-text:#fff;--mib-accent:#3d5afe;--mib-accent-text:#fff;--mib-radius:10px;
  --mib-font:system-ui,sans-serif;color:var(--mib-text);font-family:var(--mib-font)}
:host([theme=light]){--mib-background:#eef1f6;--mib-text:#10131a}
:host([hidden]){display:none}
.box{position:absolute;inset:0;overflow:hidden;border-radius:var(--mib-radius);background:var(--mib-background)}
img{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
.poster{position:absolute;left:0;right:0;bottom:0;display:flex;gap:.75rem;align-items:center;flex-wrap:wrap;
  padding:.75rem 1rem;background:linear-gradient(transparent,rgb(0 0 0/70%));color:#fff}
.title{font-weight:650;font-size:1.05rem;margin-right:auto}
.population{opacity:.85;font-size:.9rem}
button{font:inherit;font-weight:650;padding:.5rem 1.1rem;border:0;border-radius:999px;cursor:pointer;
  background:var(--mib-accent);color:var(--mib-accent-text);transition:transform .15s}
button:hover{transform:scale(1.04)}
button:focus-visible{outline:3px solid #ffd166;outline-offset:2px}
.message{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;padding:1.5rem;
  text-align:center;line-height:1.4;background:var(--mib-background)}
.message[hidden],.poster[hidden],img[hidden]{display:none}
iframe{position:absolute;inset:0;width:100%;height:100%;border:0}
@media (prefers-reduced-motion:reduce){button{transition:none}button:hover{transform:none}}
`;

export interface PosterFacts {
  name: string;
  thumbnailUrl: string | null;
  population: number;
}

export class PosterView {
  readonly box: HTMLDivElement;
  private readonly image: HTMLImageElement;
  private readonly poster: HTMLDivElement;
  private readonly title: HTMLSpanElement;
  private readonly population: HTMLSpanElement;
  private readonly enter: HTMLButtonElement;
  private readonly message: HTMLDivElement;

  constructor(root: ShadowRoot, onEnter: () => void) {
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.box = element('div', 'box', 'box');
    this.image = element('img', 'poster-image');
    this.image.alt = '';
    this.image.hidden = true;
    this.poster = element('div', 'poster', 'poster');
    this.poster.hidden = true;
    this.title = element('span', 'title', 'title');
    this.population = element('span', 'population', 'population');
    this.population.setAttribute('aria-live', 'polite');
    this.enter = element('button', 'enter-button');
    this.enter.type = 'button';
    this.enter.textContent = 'Enter';
    this.enter.addEventListener('click', onEnter);
    this.message = element('div', 'message', 'message');
    this.message.setAttribute('role', 'alert');
    this.message.hidden = true;
    this.poster.append(this.title, this.population, this.enter);
    this.box.append(this.image, this.poster, this.message);
    root.append(style, this.box);
  }

  /** The poster with the world's facts; `enter` offers the Enter button. */
  show(facts: PosterFacts, server: string, enter: boolean): void {
    this.title.textContent = facts.name;
    this.setPopulation(facts.population);
    this.enter.hidden = !enter;
    this.enter.setAttribute('aria-label', `Enter ${facts.name}`);
    if (facts.thumbnailUrl) {
      this.image.src = new URL(facts.thumbnailUrl, server).toString();
      this.image.hidden = false;
    }
    this.poster.hidden = false;
  }

  setPopulation(count: number): void {
    this.population.textContent = count === 1 ? '1 visitor here' : `${count} visitors here`;
  }

  /** Hides the poster (the frame draws the world now). */
  dismiss(): void {
    this.poster.hidden = true;
    this.image.hidden = true;
  }

  showMessage(text: string): void {
    this.message.textContent = text.charAt(0).toUpperCase() + text.slice(1);
    this.message.hidden = false;
  }

  hideMessage(): void {
    this.message.hidden = true;
  }

  focusEnter(): void {
    this.enter.focus();
  }
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  part: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.setAttribute('part', part);
  if (className) made.className = className;
  return made;
}
