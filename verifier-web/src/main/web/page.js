// The page's logic: read the files (pickers or ?vk=&proof=&input= URLs), hand them to the
// verifier in a worker, show the verdict. The page never throws: every failure is a verdict.
import { inputValues } from './zkinfer-verifier.js';

const $ = id => document.getElementById(id);
// Anything that escapes is a bug in the page: recorded (for the tests) and logged.
const escaped = e => { document.body.dataset.errors = (document.body.dataset.errors || '') + String(e) + '\n'; };
window.addEventListener('error', e => escaped(e.message));
window.addEventListener('unhandledrejection', e => escaped(e.reason));
const params = new URLSearchParams(location.search);
const workerUrl = new URL('verifier-worker.js', import.meta.url);
if (params.get('engine')) workerUrl.searchParams.set('engine', params.get('engine'));
// The verifier's cost is bounded by the key, but a page must not wait forever on a bug: after
// ?timeout= seconds (default 300) the worker is stopped and the verdict is "did not finish".
const limitMs = 1000 * (Number(params.get('timeout')) > 0 ? Number(params.get('timeout')) : 300);
let worker;
let nextId = 0;
const pending = new Map();

function settleAll(reason) {
  for (const resolve of pending.values()) resolve({ valid: false, reason });
  pending.clear();
}

function startWorker() {
  worker = new Worker(workerUrl, { type: 'module' });
  worker.onmessage = (msg) => {
    const { id, verdict, engine, error } = msg.data;
    if (engine) {
      $('engine').textContent = engine + (error ? ' (' + error + ')' : '');
      $('verify').disabled = false;
      document.body.dataset.engine = engine;
    }
    if (verdict && pending.has(id)) {
      pending.get(id)(verdict);
      pending.delete(id);
    }
  };
  worker.onerror = (e) => settleAll('the verifier crashed: ' + (e.message || e));
}
startWorker();

function verifyInWorker(vk, proof, input) {
  return new Promise(resolve => {
    const id = nextId++;
    const timer = setTimeout(() => {
      worker.terminate();
      settleAll('the verifier did not finish within ' + limitMs / 1000 + ' s');
      startWorker();
    }, limitMs);
    pending.set(id, verdict => { clearTimeout(timer); resolve(verdict); });
    worker.postMessage({ id, vk, proof, input }, [vk, proof]);
  });
}

// For scripts and automation: window.zkinfer.verify(vkBytes, proofBytes[, inputValues]) -> Promise<verdict>,
// on this page's verifier (its worker), without touching the page's display.
window.zkinfer = {
  verify: (vk, proof, input) => verifyInWorker(new Uint8Array(vk).slice().buffer, new Uint8Array(proof).slice().buffer,
    input == null ? null : Float64Array.from(input)),
};

function show(state, verdict) {
  const v = $('verdict');
  v.dataset.state = state;
  $('details').hidden = !verdict || !verdict.digest;
  if (!verdict) {
    $('state').textContent = state === 'running' ? 'Verifying…' : 'Choose a verifying key and a proof.';
    $('reason').textContent = '';
    return;
  }
  $('state').textContent = verdict.valid ? 'valid' : 'invalid';
  $('reason').textContent = verdict.valid ? '' : verdict.reason;
  // a model with several outputs shows all of them, one array each
  const many = verdict.valid && verdict.outputs && verdict.outputs.length > 1;
  // a committed output is not in the proof: say so instead of showing values
  const committed = verdict.valid && verdict.output_visibility === 'committed';
  $('output').textContent = committed ? 'committed (not in the proof; check it with zkinfer verify --output FILE --opening FILE)'
    : verdict.valid ? JSON.stringify(many ? verdict.outputs : verdict.output) : '—';
  $('output-int').textContent = committed ? '—' : verdict.valid ? JSON.stringify(many ? verdict.outputs_int : verdict.output_int) : '—';
  let digest = verdict.digest || '';
  if (verdict.proof_digest && verdict.proof_digest !== verdict.digest) {
    digest += ' (the proof names another model: ' + verdict.proof_digest + ')';
  }
  $('digest').textContent = digest;
  $('security').textContent = verdict.security_bits != null
    ? verdict.security_bits + ' bits (profile ' + verdict.profile + ', provable)' : '';
  const ms = x => (typeof x === 'number' ? x.toFixed(1) : '?') + ' ms';
  $('time').textContent = ms(verdict.time_ms) + ' (key decoding ' + ms(verdict.decode_ms) + ', verification '
    + ms(verdict.verify_ms) + ', ' + (verdict.engine || 'no engine') + ')';
  if (typeof verdict.verify_ms === 'number') v.dataset.verifyMs = verdict.verify_ms;
}

async function check(vk, proof, inputText) {
  let input = null;
  if (inputText != null) {
    try {
      input = inputValues(inputText);
    } catch (e) {
      show('invalid', { valid: false, reason: 'the input file is not an input.json: ' + e.message });
      return;
    }
  }
  show('running');
  const verdict = await verifyInWorker(vk, proof, input);
  show(verdict.valid ? 'valid' : 'invalid', verdict);
}

async function fetchBytes(url, what) {
  const r = await fetch(new URL(url, location.href));
  if (!r.ok) throw new Error('cannot fetch the ' + what + ' ' + url + ': HTTP ' + r.status);
  return r.arrayBuffer();
}

$('form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const vkFile = $('vk-file').files[0], proofFile = $('proof-file').files[0], inputFile = $('input-file').files[0];
    if (!vkFile || !proofFile) {
      show('invalid', { valid: false, reason: 'choose both a verifying key and a proof' });
      return;
    }
    await check(await vkFile.arrayBuffer(), await proofFile.arrayBuffer(), inputFile ? await inputFile.text() : null);
  } catch (e) {
    show('invalid', { valid: false, reason: String(e.message || e) });
  }
});

if (params.get('vk') || params.get('proof')) {
  (async () => {
    try {
      if (!params.get('vk') || !params.get('proof')) throw new Error('the address names only one of vk and proof');
      const [vk, proof] = await Promise.all([fetchBytes(params.get('vk'), 'verifying key'), fetchBytes(params.get('proof'), 'proof')]);
      const input = params.get('input') ? new TextDecoder().decode(await fetchBytes(params.get('input'), 'input')) : null;
      await check(vk, proof, input);
    } catch (e) {
      show('invalid', { valid: false, reason: String(e.message || e) });
    }
  })();
}
