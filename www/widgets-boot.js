// Starts widget.html's module: wasm-bindgen's loader fetches widgets_bg.wasm beside it, and
// the module's main mounts the widget the address names.
import init from './widgets.js';

init().catch((error) => {
  console.error('neurite: the widget could not start', error);
});
