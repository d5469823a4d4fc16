/**
 * The widget's loader, served at /embed.js: `<script type="module" src="https://HOST/embed.js"></script>`
 * defines `<mib-world>`. Kept tiny (no dependencies): it is all a page downloads until the world shows.
 * Types: /embed.d.ts.
 */
import { MibWorld, MibWorldError } from './mib-world.js';

if (!customElements.get('mib-world')) customElements.define('mib-world', MibWorld);

export { MibWorld, MibWorldError };
export type { EmbedErrorCode, Vector } from '../../shared/embed/embed-messages.js';
