/**
 * `npm run bench:security [-- --only ssrf,ratelimits,tokens,uploads,contract,web,collab,widget]`: the security campaign's harnesses in their short
 * form (loopback only; PostgreSQL and Redis from `npm run services`, anvil from its npm package):
 *
 *   ssrf        token metadata, images, models and gateway redirects naming private addresses in every
 *               spelling, fetched by a real server reading a real chain; a loopback listener counts what
 *               reaches it (ssrf.ts)
 *   ratelimits  two processes on one Redis: a flood from one address, a class behind one address, and
 *               the same without Redis as the baseline (rate-limits.ts)
 *   uploads     zip bombs, zip-slip, pixel and accessor bombs, a million validator issues, a 4 GB meshopt
 *               claim and URIs at loopback, through POST /assets, with the process tree's memory sampled
 *               (upload-bombs.ts)
 *   contract    schemathesis (PyPI, pinned, installed on first use) over every operation of /docs-json as
 *               the operator and as anonymous: server errors, undocumented answers, schema breaks (contract.ts)
 *   tokens      forged, replayed and misused credentials and another tenant's against every operation of
 *               /docs-json with the victim's ids (forged-tokens.ts)
 *   web         stored XSS payloads in every typed-in text, opened in the player, the studio and the
 *               embed in Chromium; the player and studio framed by another site (web-surfaces.ts)
 *   collab      a hostile editor's malformed, oversized and forged live updates and floods while two
 *               honest studios edit the same draft (collab-fuzz.ts, collab-cases.ts)
 *   widget      a hostile host page posts odd messages, hostile arguments and bursts to the embed's frame
 *               in Chromium, and a sibling frame of another origin posts commands (widget-fuzz.ts)
 *
 * The last line on stdout is one JSON object: one key per harness with its raw figures and `pass`,
 * recomputed by the harness from those figures (never set by hand), and `pass` over all of them.
 */
import { runHarnesses } from '../shared/harness-runner.js';
import { runCollabFuzz } from './collab-fuzz.js';
import { runContract } from './contract.js';
import { runTokenProbe } from './forged-tokens.js';
import { runRateLimits } from './rate-limits.js';
import { runSsrf } from './ssrf.js';
import { runUploadBombs } from './upload-bombs.js';
import { runWebSurfaces } from './web-surfaces.js';
import { runWidgetFuzz } from './widget-fuzz.js';

await runHarnesses('bench:security', {
  ssrf: { run: () => runSsrf() },
  ratelimits: { run: () => runRateLimits() },
  tokens: { run: () => runTokenProbe() },
  uploads: { run: () => runUploadBombs() },
  contract: { run: () => runContract() },
  web: { run: () => runWebSurfaces() },
  collab: { run: () => runCollabFuzz() },
  widget: { run: () => runWidgetFuzz() },
});
