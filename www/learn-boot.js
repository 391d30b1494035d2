// Starts learn.html's module: wasm-bindgen's loader fetches learn_bg.wasm beside it, and the
// module's main renders the article with its widgets.
import init from './learn.js';

init().catch((error) => {
  console.error('neurite: the article could not start', error);
});
