/**
 * Runs a campaign's harnesses (bench:reliability, bench:security): `--only a,b` picks some, `--long` asks
 * for long forms. Each harness prints its figures to stderr as it goes; the last line on stdout is one JSON
 * object with one key per harness (its raw figures and its `pass`, recomputed by the harness from them),
 * `pass` over all of them and the date. A harness that cannot run fails with its reason; the others run.
 */
import { parseArgs } from 'node:util';

export interface Harness {
  run(options: { long: boolean }): Promise<{ pass: boolean }>;
}

function readArgs(campaign: string, harnesses: Record<string, Harness>): { only: string[]; long: boolean } {
  const usage = (message: string): never => {
    process.stderr.write(
      `${campaign}: ${message}\nusage: npm run ${campaign} -- [--only ${Object.keys(harnesses).join(',')}] [--long]\n`,
    );
    process.exit(2);
  };
  let values;
  try {
    ({ values } = parseArgs({
      options: { only: { type: 'string' }, long: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  const only = values.only ? values.only.split(',').map((name) => name.trim()) : Object.keys(harnesses);
  const unknown = only.filter((name) => !(name in harnesses));
  if (unknown.length > 0)
    usage(`unknown harness ${unknown.join(', ')}: choose from ${Object.keys(harnesses).join(', ')}`);
  return { only, long: values.long };
}

/** Runs the chosen harnesses of `campaign` one after another, prints the JSON line and exits. */
export async function runHarnesses(campaign: string, harnesses: Record<string, Harness>): Promise<never> {
  const { only, long } = readArgs(campaign, harnesses);
  const results: Record<string, unknown> = {};
  let pass = true;
  for (const name of only) {
    const started = Date.now();
    console.error(`${campaign}: ${name} …`);
    try {
      const figures = await harnesses[name]!.run({ long });
      results[name] = { ...figures, seconds: Math.round((Date.now() - started) / 1000) };
      pass &&= figures.pass;
    } catch (error) {
      results[name] = { error: (error as Error).message, pass: false };
      pass = false;
    }
    console.error(`${campaign}: ${name} done: ${JSON.stringify(results[name])}`);
  }
  console.log(JSON.stringify({ ...results, pass, date: new Date().toISOString().slice(0, 10) }));
  // Redis, pg and chain clients of the harnesses may keep handles; the figures are out.
  process.exit(0);
}
