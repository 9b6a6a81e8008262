// Usage: node check-verdicts.mjs MODULE CASES_DIR
// Verifies every case of CASES_DIR/cases.json ({name, vk, proof, expected}) with the JavaScript
// module MODULE and compares the verdict with the Java verifier's (expected): validity, reason,
// output, digests. Prints each disagreement; exits with 1 if there is one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulePath, dir] = process.argv.slice(2);
const { verify } = await import(pathToFileURL(modulePath).href);
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
const FIELDS = ['valid', 'reason', 'output_int', 'digest', 'proof_digest', 'profile', 'security_bits'];
let bad = 0;
let ms = 0;
for (const c of cases) {
  const got = verify(readFileSync(join(dir, c.vk)), readFileSync(join(dir, c.proof)));
  ms += got.time_ms;
  for (const f of FIELDS) {
    if (JSON.stringify(got[f]) !== JSON.stringify(c.expected[f])) {
      bad++;
      console.log(`DISAGREE ${c.name}: ${f}: JavaScript ${JSON.stringify(got[f])}, Java ${JSON.stringify(c.expected[f])}`);
    }
  }
  const out = got.output || [];
  const want = c.expected.output || [];
  if (out.length !== want.length || out.some((x, i) => Math.abs(x - want[i]) > 1e-9 * Math.max(1, Math.abs(want[i])))) {
    bad++;
    console.log(`DISAGREE ${c.name}: output: JavaScript ${JSON.stringify(out)}, Java ${JSON.stringify(want)}`);
  }
}
if (bad) {
  console.log(`${bad} disagreements in ${cases.length} cases`);
  process.exit(1);
}
console.log(`all ${cases.length} verdicts agree (node ${process.version}, ${ms.toFixed(0)} ms verifying)`);
