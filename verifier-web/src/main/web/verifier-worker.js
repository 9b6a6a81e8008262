// Runs the compiled verifier off the page's thread: WebAssembly (GC) where the browser has it,
// the JavaScript build otherwise. Messages in: {vk, proof, input}; out: {verdict} or {engine}.
import { run } from './zkinfer-verifier.js';

// A module whose type section declares a struct: only browsers with WebAssembly GC accept it.
const WASM_GC_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 95, 1, 127, 0]);

async function loadEngine(force) {
  if (force !== 'js' && typeof WebAssembly === 'object' && WebAssembly.validate(WASM_GC_PROBE)) {
    try {
      const { load } = await import('./zkinfer-verifier.wasm-runtime.js');
      const teavm = await load('zkinfer-verifier.wasm');
      return { name: 'WebAssembly', verify: teavm.exports.verify };
    } catch (e) {
      console.warn('WebAssembly verifier failed to load, using JavaScript:', e);
    }
  }
  const core = await import('./zkinfer-verifier-core.js');
  return { name: 'JavaScript', verify: core.verify };
}

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
