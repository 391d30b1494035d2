// Starts the playground (index.html): wasm-bindgen's loader fetches app_bg.wasm beside it, and
// the module's main mounts the page, which starts the trainer's worker. A file of its own rather
// than Trunk's inline start script, so that the page runs under `script-src 'self'`.
import init from './app.js';

init().catch((error) => {
  console.error('neurite: the playground could not start', error);
});
