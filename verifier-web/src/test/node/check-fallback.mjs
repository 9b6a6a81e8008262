// Usage: node [--experimental-wasm-gc] check-fallback.mjs PAGE_DIR VK PROOF
// The page's engine choice in a runtime without WebAssembly GC (Node.js 20 by default), or
// with a WebAssembly GC that cannot load TeaVM's module from a file: URL: it must fall back to
// the JavaScript build, which verifies the proof. Prints the engine; exits with 1 on failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, vkPath, proofPath] = process.argv.slice(2);
const { loadEngine, hasWasmGc } = await import(pathToFileURL(join(dir, 'verifier-engine.js')).href);
const { run } = await import(pathToFileURL(join(dir, 'zkinfer-verifier.js')).href);
const engine = await loadEngine(null);
const verdict = run(engine.verify, new Int8Array(readFileSync(vkPath)), new Int8Array(readFileSync(proofPath)), null);
console.log(`WebAssembly GC: ${hasWasmGc()}, engine: ${engine.name}, valid: ${verdict.valid} ${verdict.reason}`);
process.exit(engine.name === 'JavaScript' && verdict.valid ? 0 : 1);
