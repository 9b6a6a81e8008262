// zkinfer's verifier as a JavaScript module (Node.js 18+, browsers, bundlers).
//
//   import { verify } from './zkinfer-verifier.js';
//   const r = verify(vkBytes, proofBytes);        // bytes: Uint8Array, Int8Array, ArrayBuffer or Buffer
//   r.valid, r.reason, r.output, r.output_int, r.digest, r.security_bits, r.time_ms
//
// The verifier itself is zkinfer's Java verifier (verifier/), compiled by TeaVM to
// zkinfer-verifier-core.js; this file only converts the arguments and parses the verdict.
import { verify as verifyCompiled } from './zkinfer-verifier-core.js';

function int8(bytes, what) {
  if (bytes instanceof Int8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Int8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError(what + ' must be bytes (Uint8Array, Int8Array, ArrayBuffer or Buffer)');
}

/**
 * Verifies a zkinfer proof against a verifying key (model.vk). `input`, optional, is the
 * model's input as real numbers (row-major; a model's several inputs one after another) or the text of an input.json; the proof must then be
 * for that input, as with `zkinfer verify --input`.
 *
 * Returns {valid, reason, output, output_int, digest, proof_digest, profile, security_bits,
 * decode_ms, verify_ms, time_ms}: `reason` is '' when valid; `output` (real numbers, the proved
 * output times the key's output scale) and `output_int` are present only when valid (the first
 * output; `outputs` and `outputs_int` hold every output of a model with several); `digest` is
 * the verifying key's SHA-256 (the model's identity) when the key decodes. Never throws on bad
 * bytes: a malformed key or proof gives {valid: false, reason}.
 */
export function verify(vkBytes, proofBytes, input) {
  const vk = int8(vkBytes, 'the verifying key');
  const proof = int8(proofBytes, 'the proof');
  let values = null;
  if (input != null) {
    try {
      values = typeof input === 'string' ? inputValues(input) : Float64Array.from(input);
    } catch (e) {
      return { valid: false, reason: 'the input is not an input.json: ' + e.message };
    }
  }
  return run(verifyCompiled, vk, proof, values);
}

/** Calls a compiled verifier (JavaScript or WebAssembly) and parses its verdict; used by the page too. */
export function run(compiledVerify, vk, proof, values) {
  const t0 = performance.now();
  let verdict;
  try {
    verdict = JSON.parse(compiledVerify(vk, proof, values));
  } catch (e) {
    verdict = { valid: false, reason: 'the verifier failed: ' + (e && e.message ? e.message : e) };
  }
  verdict.time_ms = performance.now() - t0;
  return verdict;
}

/** The input values of an input.json ({"input_data": [[...]]}), flattened in order. */
export function inputValues(json) {
  const data = JSON.parse(json).input_data;
  if (!Array.isArray(data)) throw new Error('no "input_data" array');
  const flat = data.flat(Infinity);
  if (flat.length === 0) throw new Error('input_data is empty');
  for (const x of flat) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error('input_data holds a non-number: ' + JSON.stringify(x));
  }
  return Float64Array.from(flat);
}
