#!/usr/bin/env node
/**
 * `npm run test:mutation [-- <group> ...]`: Stryker on each mutation group (mutation-groups.mjs) in turn, one
 * HTML + JSON report per group under reports/mutation/<group>/, then the score per module and per file.
 * `npm run test:mutation -- --summary` only prints the table from the reports already there.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MUTATION_GROUPS } from '../mutation-groups.mjs';

const args = process.argv.slice(2);
const summaryOnly = args.includes('--summary');
const groups = args.filter((a) => !a.startsWith('--'));
for (const g of groups) if (!MUTATION_GROUPS[g]) throw new Error(`unknown group "${g}" (${Object.keys(MUTATION_GROUPS).join(', ')})`);

if (!summaryOnly) {
  for (const group of groups.length ? groups : Object.keys(MUTATION_GROUPS)) {
    console.log(`\n=== mutation group: ${group} ===`);
    const started = Date.now();
    const r = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
      stdio: 'inherit',
      env: { ...process.env, MUTATION_GROUPS: group },
    });
    console.log(`=== ${group}: ${Math.round((Date.now() - started) / 1000)} s, exit ${r.status}`);
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const rows = [];
for (const [group, { mutate }] of Object.entries(MUTATION_GROUPS)) {
  const file = path.join('reports', 'mutation', group, 'mutation.json');
  if (!fs.existsSync(file)) continue;
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const perFile = [];
  for (const [name, entry] of Object.entries(report.files)) {
    const rel = path.relative(process.cwd(), path.resolve(name));
    // A group may mutate line ranges of a file ("file.ts:10-20"): count the file once.
    if (!mutate.some((m) => m.replace(/:\d+(:\d+)?-\d+(:\d+)?$/, '') === rel)) continue;
    const count = (set) => entry.mutants.filter((m) => set.has(m.status)).length;
    perFile.push({ file: rel, detected: count(DETECTED), undetected: count(UNDETECTED), survived: entry.mutants.filter((m) => m.status === 'Survived').length, noCoverage: entry.mutants.filter((m) => m.status === 'NoCoverage').length });
  }
  const total = perFile.reduce((t, f) => ({ detected: t.detected + f.detected, undetected: t.undetected + f.undetected }), { detected: 0, undetected: 0 });
  rows.push({ group, perFile, ...total, when: fs.statSync(file).mtime.toISOString().slice(0, 16).replace('T', ' ') });
}
const score = (d, u) => (d + u ? ((100 * d) / (d + u)).toFixed(1) : '—');
console.log('\n| module | file | killed | survived | no coverage | score |\n|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  for (const f of r.perFile) console.log(`| ${r.group} | \`${f.file}\` | ${f.detected} | ${f.survived} | ${f.noCoverage} | ${score(f.detected, f.undetected)} % |`);
  console.log(`| **${r.group}** | (all, ${r.when} UTC) | ${r.detected} | | ${r.undetected} undetected | **${score(r.detected, r.undetected)} %** |`);
}
