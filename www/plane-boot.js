// Starts plane.html's module: wasm-bindgen's loader fetches plane_bg.wasm beside it, and the
// module's main mounts the 2-D playground, which starts its trainer's worker.
import init from './plane.js';

init().catch((error) => {
  console.error('neurite: the 2-D playground could not start', error);
});
