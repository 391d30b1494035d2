// The example host page's script (embed-example.html): readouts, event logs and setState
// buttons for each <neurite-widget data-id="…"> on the page. Listeners are on the document
// (the widgets' events bubble), so this script runs in <head>, before the widgets exist.
(function () {
  'use strict';

  // The values the buttons send, by card (data-id) and button (data-action).
  const VALUES = {
    neuron: {
      good: { w: [1.5, -0.7], b: -0.2, activation: 'tanh' },
      bad: { w: [1, 2, 3] }, // three weights for two inputs: refused as a whole
    },
    activation: {
      good: { activation: 'tanh', x: -0.5 },
      bad: { x: 500 }, // beyond |x| ≤ 100
    },
    loss: {
      good: { y_true: [1, 2, 3], y_pred: [1.5, 2, 2] },
      bad: { y_pred: [1, 2] }, // y_true has three values
    },
    descent: {
      good: { surface: 'rosenbrock', optimizer: 'adam', learning_rate: 0.05, start: [-1.5, 2], steps: 300, optimizers: ['momentum', 'rmsprop'] },
      bad: { steps: 1e9 }, // beyond the documented 10 000 steps
    },
    backprop: {
      good: {
        sizes: [1, 2, 1],
        kernels: [[[0.5, -1]], [[1], [0.5]]],
        biases: [[0, 0.1], [0]],
        x: [2], y: [0.2], activation: 'tanh', output_activation: 'linear', stage: 0,
      },
      bad: { sizes: Array(50).fill(4) }, // a 50-layer network: at most 5 layer sizes
    },
    hostile: {
      good: { w: [0.3, 0.6], b: 0 },
      bad: { w: [Infinity, 0] }, // postMessage carries Infinity; the widget refuses it
    },
  };

  function byTestId(id) {
    return document.querySelector('[data-testid="' + id + '"]');
  }

  function log(id, text) {
    const list = byTestId('log-' + id);
    if (!list) return;
    const item = document.createElement('li');
    item.textContent = text;
    list.append(item);
  }

  function showReadout(id, detail) {
    const readout = byTestId('readout-' + id);
    if (readout) readout.textContent = JSON.stringify({ state: detail.state, outputs: detail.outputs }, null, 2);
  }

  function showResult(id, outcome, text, key) {
    const result = byTestId('result-' + id);
    if (!result) return;
    result.dataset.outcome = outcome;
    if (key) result.dataset.key = key;
    else delete result.dataset.key;
    result.textContent = outcome + ': ' + text;
  }

  // The card a widget's event belongs to; events come from <neurite-widget data-id="…">.
  function cardOf(event) {
    return event.target instanceof Element ? event.target.dataset.id : undefined;
  }

  document.addEventListener('neurite-ready', function (event) {
    const id = cardOf(event);
    if (!id) return;
    log(id, 'ready');
    showReadout(id, event.detail);
  });

  document.addEventListener('neurite-change', function (event) {
    const id = cardOf(event);
    if (!id) return;
    log(id, 'change');
    showReadout(id, event.detail);
  });

  document.addEventListener('neurite-error', function (event) {
    const id = cardOf(event);
    if (!id) return;
    log(id, 'error: ' + event.detail.message);
    // Before ready there is no state to show; after, the detail holds what the widget kept.
    if (event.detail.state) showReadout(id, event.detail);
  });

  function setState(id, widget, value) {
    showResult(id, 'pending', 'waiting for the widget');
    widget.setState(value).then(
      function (applied) {
        showResult(id, 'resolved', JSON.stringify(applied.outputs));
      },
      function (error) {
        showResult(id, 'rejected', error.message + (error.key ? ' (key: ' + error.key + ')' : ''), error.key);
      },
    );
  }

  // A language switch reloads the widget, which then starts from its state attribute; handing
  // it the state it had keeps what the learner did. setState right after the attribute change
  // waits for the reloaded widget.
  function switchLanguage(id, widget) {
    const state = widget.state;
    widget.setAttribute('lang', widget.getAttribute('lang') === 'zh' ? 'en' : 'zh');
    if (state) setState(id, widget, state);
  }

  document.addEventListener('click', function (event) {
    const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!button) return;
    const id = button.dataset.id;
    const widget = byTestId('widget-' + id);
    if (!widget || typeof widget.setState !== 'function') return;
    const action = button.dataset.action;
    if (action === 'lang') switchLanguage(id, widget);
    else if (VALUES[id] && VALUES[id][action]) setState(id, widget, VALUES[id][action]);
  });
})();
