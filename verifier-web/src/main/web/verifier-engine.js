// Chooses the compiled verifier: the WebAssembly (GC) build where the runtime has WebAssembly GC
// and the build loads, the JavaScript build otherwise. Returns {name, verify}; verify is the
// compiled WebVerifier.verify(vk: Int8Array, proof: Int8Array, input: Float64Array|null) -> JSON.

// A module whose type section declares a struct: only runtimes with WebAssembly GC accept it.
const WASM_GC_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 95, 1, 127, 0]);

export function hasWasmGc() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(WASM_GC_PROBE);
  } catch (e) {
    return false;
  }
}

/** force: 'js' for the JavaScript build whatever the runtime offers. */
export async function loadEngine(force) {
  if (force !== 'js' && hasWasmGc()) {
    try {
      const { load } = await import('./zkinfer-verifier.wasm-runtime.js');
      const teavm = await load(new URL('zkinfer-verifier.wasm', import.meta.url).href);
      return { name: 'WebAssembly', verify: teavm.exports.verify };
    } catch (e) {
      console.warn('the WebAssembly verifier did not load, using the JavaScript one:', e);
    }
  }
  const core = await import('./zkinfer-verifier-core.js');
  return { name: 'JavaScript', verify: core.verify };
}
