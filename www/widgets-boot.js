// Starts widget.html's module: the bundle that holds the widget the address names (each lab
// has one of its own, so that every widget stays small; host::BUNDLES in the web crate),
// whose wasm-bindgen loader fetches its .wasm beside it; the module's main mounts the widget.
// A name no bundle holds gets `widgets`, which says so.
const BUNDLES = {
  gradient_descent: './descent.js',
  backprop: './backprop.js',
  playground2d: './plane.js',
};
const name = new URLSearchParams(window.location.search).get('widget');
const bundle = Object.hasOwn(BUNDLES, name) ? BUNDLES[name] : './widgets.js';

import(bundle)
  .then((module) => module.default())
  .catch((error) => {
    console.error('neurite: the widget could not start', error);
  });
