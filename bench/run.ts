/**
 * `npm run bench` (`-- --json` for one JSON object on the last line). Sections run in order on the same data;
 * add a section by writing a BenchSection and listing it in SECTIONS.
 */
import { benchSetup, type BenchSection } from './common';
import { cacheSpeedupSection } from './cache-speedup';
import { throughputSection } from './throughput';
import { tuneSection } from './tune';
import { insideSection } from './inside';
import { pipelineSection } from './pipeline';
import { finetuneSection } from './finetune';
import { autoSection } from './auto';

const SECTIONS: BenchSection[] = [cacheSpeedupSection, throughputSection, pipelineSection, finetuneSection, autoSection, tuneSection, insideSection];

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const log = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
  const setup = benchSetup();
  log(`Graft bench — ${setup.label}`);
  const out: Record<string, unknown> = { setup: setup.label };
  const started = Date.now();
  for (const section of SECTIONS) {
    if (only && !section.name.includes(only)) continue;
    log(`\n${section.name}`);
    Object.assign(out, await section.run(setup, log));
  }
  out.benchMs = Date.now() - started;
  log(`\ndone in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (json) console.log(JSON.stringify(out));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
