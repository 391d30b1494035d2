// Starts widget.html's module: the bundle that holds the widget the address names (the labs
// have one of their own, so that the primer's small widgets stay small), whose wasm-bindgen
// loader fetches its .wasm beside it; the module's main mounts the widget. A name neither
// bundle holds gets `widgets`, which says so.
const LABS = ['gradient_descent', 'backprop'];
const name = new URLSearchParams(window.location.search).get('widget');
const bundle = LABS.includes(name) ? './labs.js' : './widgets.js';

import(bundle)
  .then((module) => module.default())
  .catch((error) => {
    console.error('neurite: the widget could not start', error);
  });
