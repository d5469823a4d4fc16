/**
 * `npm run bench:reliability [-- --only outages,churn] [--long]`: the resilience campaign's harnesses in
 * their short form (loopback only; PostgreSQL, Redis and the LiveKit server from `npm run services`):
 *
 *   fuzz        room protocol fuzzing beside 100 undisturbed visitors (fuzz.ts)
 *   crash       SIGKILLed server and an immediately stopped PostgreSQL under acknowledged writes (crash.ts)
 *   outages     Redis, PostgreSQL and LiveKit cut off through fault proxies (outages.ts)
 *   churn       rooms created and disposed, checked for leaks after GC (churn.ts); --long adds 30 minutes
 *               at 300 visitors with a room made and disposed every 2 s, post-GC heap slope (churn-long.ts)
 *   presence    two processes on Redis, one frozen and one killed (presence.ts)
 *
 * Each harness prints its figures to stderr as it goes. The last line on stdout is one JSON object with one
 * key per harness holding its raw figures and its `pass`, each recomputed from those figures by the
 * harness, and `pass` over all of them.
 */
import { runHarnesses, type Harness } from '../shared/harness-runner.js';
import { runChurn } from './churn.js';
import { runCrash } from './crash.js';
import { runChurnLong } from './churn-long.js';
import { runFuzz } from './fuzz.js';
import { runOutages } from './outages.js';
import { runPresence } from './presence.js';

const HARNESSES: Record<string, Harness> = {
  fuzz: {
    run: async () => {
      const embedded = await runFuzz({ database: 'embedded' });
      const postgres = await runFuzz({ database: 'postgres' });
      return { embedded, postgres, pass: embedded.pass && postgres.pass };
    },
  },
  crash: {
    run: async () => {
      const postgres = await runCrash('postgres');
      const embedded = await runCrash('embedded');
      return { postgres, embedded, pass: postgres.pass && embedded.pass };
    },
  },
  outages: { run: () => runOutages() },
  churn: {
    run: async ({ long }) => {
      const short = await runChurn();
      if (!long) return short;
      const longForm = await runChurnLong();
      return { ...short, long: longForm, pass: short.pass && longForm.pass };
    },
  },
  presence: { run: () => runPresence() },
};

await runHarnesses('bench:reliability', HARNESSES);
