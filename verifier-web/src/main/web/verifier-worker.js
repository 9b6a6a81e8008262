// Runs the compiled verifier off the page's thread (see verifier-engine.js for which build).
// Messages in: {id, vk, proof, input}; out: {engine} once, then {id, verdict} per request.
import { run } from './zkinfer-verifier.js';
import { loadEngine } from './verifier-engine.js';

const engine = loadEngine(new URL(self.location.href).searchParams.get('engine'));
engine.then(e => self.postMessage({ engine: e.name }),
  e => self.postMessage({ engine: 'none', error: String(e) }));

self.onmessage = async (msg) => {
  const { id, vk, proof, input } = msg.data;
  let verdict;
  try {
    const e = await engine;
    verdict = run(e.verify, new Int8Array(vk), new Int8Array(proof), input);
    verdict.engine = e.name;
  } catch (e) {
    verdict = { valid: false, reason: 'the verifier could not run: ' + e };
  }
  self.postMessage({ id, verdict });
};
