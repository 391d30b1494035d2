// Starts the TF.js worker and exposes its result as `window.tfjsBench`, a promise, for the
// driver (bench/run.mjs). Worker log lines reach the driver through the console.
// Query: the seed run (`warmup`, `batch`, `epochs`), or with `mode=conv` the convnet on one
// `backend` (wasm, webgl or cpu) for `samples` training images after `warmup` samples.
'use strict';

const params = new URLSearchParams(location.search);
const options = {
  tfjsBase: '/tfjs/',
  mnistBase: '/mnist/',
  warmupSamples: Number(params.get('warmup') ?? 320),
  batchSize: Number(params.get('batch') ?? 32),
  epochs: Number(params.get('epochs') ?? 5),
  mode: params.get('mode') ?? 'seed',
  backend: params.get('backend') ?? 'wasm',
  samples: Number(params.get('samples') ?? 640),
};
const tag = options.mode === 'conv' ? `[tfjs ${options.backend}]` : '[tfjs]';

window.tfjsBench = new Promise((resolve, reject) => {
  const worker = new Worker('tfjs-worker.js');
  worker.onerror = (event) => {
    event.preventDefault();
    reject(new Error(`TF.js worker failed to start: ${event.message || 'script error'}`));
  };
  worker.onmessage = ({ data }) => {
    switch (data.type) {
      case 'ready':
        worker.postMessage({ type: 'run', ...options });
        break;
      case 'log':
        console.log(`${tag} ${data.text}`);
        break;
      case 'progress':
        console.log(`${tag} batch ${data.batch}/${data.batches}`);
        break;
      case 'done':
        worker.terminate();
        resolve(data.result);
        break;
      case 'error':
        worker.terminate();
        reject(new Error(`TF.js failed while ${data.stage}: ${data.message}`));
        break;
    }
  };
});
