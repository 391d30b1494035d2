/*
 * Neurite embedding loader: defines <neurite-widget>, which shows one Neurite widget
 * (widget.html, next to this file) in an iframe and speaks its postMessage protocol.
 *
 *   <script src="https://example.org/neurite/embed.js"></script>
 *   <neurite-widget name="neuron" lang="en" state='{"b": 0.5}'></neurite-widget>
 *
 * A classic script, so that it loads from any origin with a plain <script src> (no CORS, no
 * module loader). docs/embedding.md documents everything defined here.
 */
(function () {
  'use strict';

  const TAG = 'neurite-widget';
  // A page may include the script twice (or two copies of it): the first definition stays.
  if (typeof window.customElements === 'undefined' || window.customElements.get(TAG)) return;

  // document.currentScript is set only while this script first runs, so the widget's URL is
  // resolved now. Relative to the script, it works under any sub-path and from any origin.
  const SCRIPT_URL = (document.currentScript && document.currentScript.src) || document.baseURI;
  const WIDGET_URL = new URL('widget.html', SCRIPT_URL);
  const WIDGET_ORIGIN = WIDGET_URL.origin;
  // postMessage takes an origin or "*" as target; a file:// page has the opaque origin "null".
  const TARGET_ORIGIN = WIDGET_ORIGIN === 'null' ? '*' : WIDGET_ORIGIN;

  // Until the first resize message, which the widget sends right after ready.
  const INITIAL_HEIGHT = '360px';
  const RELOAD_ATTRIBUTES = ['name', 'lang', 'controls', 'compact'];

  // Request numbers need only be unique per element; one counter for all makes them unique per
  // page, which keeps the messages of several widgets apart when debugging.
  let nextRequest = 1;

  function isPlainObject(value) {
    if (value === null || typeof value !== 'object') return false;
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }

  // A deep copy of a JSON-like value (one from a message, so it may hold non-finite numbers).
  function copy(value) {
    if (value === null || typeof value !== 'object') return value;
    return typeof structuredClone === 'function' ? structuredClone(value) : JSON.parse(JSON.stringify(value));
  }

  // The element's own messages, in the widget's languages (its `lang` attribute picks one;
  // the widget's messages come from the widget, already in that language).
  const MESSAGES = {
    en: {
      notJson: (detail) => 'The state attribute is not valid JSON (' + detail + ').',
      notObject: () => 'The state attribute must be a JSON object, such as {"b": 0.5}.',
      unchanged: () => ' The state was not changed.',
      defaults: () => ' The widget starts from its defaults.',
      removed: () => 'The <neurite-widget> element was removed from the page before the widget answered.',
      reloaded: (attribute) => 'The widget was reloaded (its ' + attribute + ' attribute changed) before it answered.',
      noName: () => 'The name attribute is missing: it names the widget to show, such as "neuron".',
      refused: () => 'The widget refused the state.',
    },
    zh: {
      notJson: (detail) => 'state 属性不是合法的 JSON（' + detail + '）。',
      notObject: () => 'state 属性应为 JSON 对象，例如 {"b": 0.5}。',
      unchanged: () => '状态未改变。',
      defaults: () => '组件从默认状态开始。',
      removed: () => '组件回应之前，<neurite-widget> 元素已从页面上移除。',
      reloaded: (attribute) => '组件回应之前已重新加载（它的 ' + attribute + ' 属性改变了）。',
      noName: () => '缺少 name 属性：它指定要显示的组件，例如 "neuron"。',
      refused: () => '组件拒绝了这个状态。',
    },
  };

  // The messages for a `lang` attribute: 中文 for zh, zh-CN…, else English.
  function messagesFor(lang) {
    return /^zh/i.test((lang || '').trim()) ? MESSAGES.zh : MESSAGES.en;
  }

  // A state attribute: { ok: true, value } or { ok: false, message }, worded by `text`.
  function parseStateAttribute(source, text) {
    let value;
    try {
      value = JSON.parse(source);
    } catch (e) {
      return { ok: false, message: text.notJson(e.message) };
    }
    if (!isPlainObject(value)) {
      return { ok: false, message: text.notObject() };
    }
    return { ok: true, value };
  }

  function abortError(message) {
    const error = new Error(message);
    error.name = 'AbortError';
    error.key = null;
    return error;
  }

  // `display: block` by default, as a `:host` rule, which any page style on the element beats.
  // A constructed style sheet, because a <style> element needs 'unsafe-inline' under a strict
  // CSP; where constructed sheets are missing the element stays inline, which still works.
  function adoptHostStyle(root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(':host { display: block; } :host([hidden]) { display: none; }');
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      // An older browser: the default display.
    }
  }

  class NeuriteWidget extends HTMLElement {
    static get observedAttributes() {
      return RELOAD_ATTRIBUTES.concat(['state', 'title']);
    }

    constructor() {
      super();
      // The iframe lives in an open shadow root: the host page's CSS (an `iframe { … }` rule,
      // a reset) cannot change the size this element manages, and the element's own children
      // stay the author's, shown only where this script did not run (fallback content). Open,
      // so that tests and developer tools can reach the iframe.
      this._root = this.attachShadow({ mode: 'open' });
      adoptHostStyle(this._root);
      this._connected = false; // set by connectedCallback, which reads every attribute
      this._iframe = null; // the current iframe; messages from any other window are ignored
      this._state = null;
      this._outputs = null;
      this._isReady = false;
      this._loadScheduled = false;
      this._attributeError = null; // a bad state attribute, reported once the widget is ready
      this._queue = []; // setState and command calls waiting for ready: { message, resolve, reject }
      this._pending = new Map(); // request number -> { resolve, reject }: sent, unanswered
      this._newReadyPromise();
      this._onMessage = this._onMessage.bind(this);
    }

    // --- public API -------------------------------------------------------------------------

    /** The last state the widget reported (a copy), or null before it is ready. */
    get state() {
      return copy(this._state);
    }

    /** The last outputs the widget reported (a copy), or null before it is ready. */
    get outputs() {
      return copy(this._outputs);
    }

    /** Resolves with the detail of the first neurite-ready after the latest (re)load. */
    get ready() {
      return this._readyPromise;
    }

    /** The widget's name: the name attribute. */
    get widget() {
      return this.getAttribute('name');
    }

    /**
     * Applies a partial state. Resolves with { state, outputs } once the widget has applied it;
     * rejects with the widget's refusal (an Error named NeuriteRefusal, with .key), or with an
     * AbortError when the widget is reloaded or removed first. Queued until the widget is ready.
     */
    setState(partial) {
      if (!isPlainObject(partial)) {
        return Promise.reject(new TypeError('setState takes a plain object, such as { b: 0.5 }.'));
      }
      let state;
      try {
        // Copied now, so that later changes to the caller's object cannot alter a queued call;
        // this also refuses at once what postMessage could not send (functions, DOM nodes).
        state = typeof structuredClone === 'function' ? structuredClone(partial) : partial;
      } catch (e) {
        return Promise.reject(new TypeError('setState cannot send this value: ' + e.message));
      }
      return this._request({ type: 'set', state });
    }

    /**
     * Runs one of the widget's commands (playground2d: 'play', 'pause', 'step', 'reset').
     * Resolves with { state, outputs } once the widget has run it; rejects like setState.
     */
    command(name) {
      if (typeof name !== 'string') {
        return Promise.reject(new TypeError('command takes a name, such as "play".'));
      }
      return this._request({ type: 'command', command: name });
    }

    /** Starts training (playground2d). */
    play() {
      return this.command('play');
    }

    /** Pauses training (playground2d). */
    pause() {
      return this.command('pause');
    }

    /** Trains one epoch (playground2d). */
    step() {
      return this.command('step');
    }

    /** Starts the run again from its first weights (playground2d). */
    reset() {
      return this.command('reset');
    }

    // --- life cycle -------------------------------------------------------------------------

    connectedCallback() {
      this._connected = true;
      window.addEventListener('message', this._onMessage);
      this._loadScheduled = false; // this load replaces any scheduled one
      this._invalidate(null);
      this._load();
    }

    disconnectedCallback() {
      this._connected = false;
      window.removeEventListener('message', this._onMessage);
      // The iframe's document goes with the element: nothing sent will be answered. The iframe
      // goes too, so that a move in the page (removal, insertion) loads the widget only once.
      this._invalidate(this._text().removed());
      this._replaceFrame(null);
    }

    attributeChangedCallback(attribute, oldValue, newValue) {
      // Attributes present at creation arrive here before connectedCallback (also when the
      // element was already in the page, if this script came after it); the load reads them.
      if (!this._connected || oldValue === newValue) return;
      try {
        if (attribute === 'title') {
          if (this._iframe) this._iframe.title = this._frameTitle();
        } else if (attribute === 'state') {
          this._stateAttributeChanged(newValue);
        } else {
          this._invalidate(this._text().reloaded(attribute));
          this._scheduleLoad();
        }
      } catch (e) {
        console.error('neurite-widget:', e);
      }
    }

    // --- internals --------------------------------------------------------------------------

    // Sends a set or a command once the widget is ready; its promise settles with the answer.
    _request(message) {
      return new Promise((resolve, reject) => {
        const entry = { message, resolve, reject };
        if (this._isReady && this._iframe) this._send(entry);
        else this._queue.push(entry);
      });
    }

    // The element's own messages, in the language of its `lang` attribute.
    _text() {
      return messagesFor(this.getAttribute('lang'));
    }

    _newReadyPromise() {
      this._readySettled = false;
      this._readyPromise = new Promise((resolve) => {
        this._resolveReady = resolve;
      });
    }

    _stateAttributeChanged(text) {
      // A reload is on its way and reads the attribute itself. Removing the attribute changes
      // nothing: there is no partial state that means "back to the defaults".
      if (this._loadScheduled || text === null || text.trim() === '') return;
      const parsed = parseStateAttribute(text, this._text());
      if (!parsed.ok) {
        this._dispatch('neurite-error', this._detail(null, parsed.message + this._text().unchanged()));
        return;
      }
      // A refusal is already reported as a neurite-error event; nobody awaits this promise.
      this.setState(parsed.value).catch(() => {});
    }

    // Forgets the current widget: rejects what it will no longer answer (when `reason` is
    // given), clears the last known values and arms a new `ready`. Synchronous, so that a
    // setState called right after an attribute change waits for the new widget.
    _invalidate(reason) {
      this._isReady = false;
      this._state = null;
      this._outputs = null;
      if (this._readySettled) this._newReadyPromise();
      if (reason === null) return;
      const waiting = Array.from(this._pending.values()).concat(this._queue);
      this._pending.clear();
      this._queue = [];
      for (const entry of waiting) entry.reject(abortError(reason));
    }

    // Several attributes set in one go (name and lang, say) make one reload, not several.
    _scheduleLoad() {
      if (this._loadScheduled) return;
      this._loadScheduled = true;
      queueMicrotask(() => {
        if (!this._loadScheduled) return; // connectedCallback loaded meanwhile
        this._loadScheduled = false;
        if (this._connected) this._load();
      });
    }

    _load() {
      this._attributeError = null;
      const name = (this.getAttribute('name') || '').trim();
      if (name === '') {
        this._replaceFrame(null);
        console.warn('neurite-widget: no name attribute, so no widget to show.');
        this._dispatch('neurite-error', this._detail(null, this._text().noName()));
        return;
      }
      const url = new URL(WIDGET_URL.href);
      url.searchParams.set('widget', name);
      const lang = (this.getAttribute('lang') || '').trim();
      if (lang !== '') url.searchParams.set('lang', lang);
      const controls = (this.getAttribute('controls') || '').trim();
      if (controls !== '') url.searchParams.set('controls', controls);
      if (this.hasAttribute('compact')) url.searchParams.set('compact', '1');
      const stateText = (this.getAttribute('state') || '').trim();
      if (stateText !== '') {
        const parsed = parseStateAttribute(stateText, this._text());
        // The text as written, not re-serialised: JSON.stringify would turn 1e400 (Infinity
        // once parsed) into null, and the widget should judge what the author wrote.
        if (parsed.ok) url.searchParams.set('state', stateText);
        else this._attributeError = parsed.message + this._text().defaults();
      }
      this._replaceFrame(url.href);
    }

    // A new iframe for each load: the new document has a new window, so a late message from
    // the previous one fails the source check instead of passing for the new widget's.
    _replaceFrame(src) {
      if (this._iframe) this._iframe.remove();
      this._iframe = null;
      if (src === null) return;
      const iframe = document.createElement('iframe');
      iframe.title = this._frameTitle();
      iframe.loading = this.getAttribute('loading') === 'lazy' ? 'lazy' : 'eager';
      // CSSOM properties, not a style attribute: a strict style-src allows them.
      iframe.style.display = 'block';
      iframe.style.width = '100%';
      iframe.style.border = '0';
      iframe.style.height = INITIAL_HEIGHT;
      iframe.src = src;
      this._iframe = iframe;
      this._root.appendChild(iframe);
    }

    _frameTitle() {
      const title = (this.getAttribute('title') || '').trim();
      return title !== '' ? title : 'Neurite widget: ' + (this.getAttribute('name') || '');
    }

    _onMessage(event) {
      try {
        if (!this._iframe || this._loadScheduled || event.source !== this._iframe.contentWindow) return;
        if (event.origin !== WIDGET_ORIGIN) return;
        const data = event.data;
        if (!data || typeof data !== 'object' || data.neurite !== 1) return;
        if (data.type === 'ready') this._onReady(data);
        else if (data.type === 'change') this._onChange(data);
        else if (data.type === 'error') this._onError(data);
        else if (data.type === 'resize') this._onResize(data);
        // Any other type (from a newer widget) is ignored.
      } catch (e) {
        console.error('neurite-widget:', e);
      }
    }

    _remember(data) {
      if (isPlainObject(data.state)) this._state = copy(data.state);
      if (isPlainObject(data.outputs)) this._outputs = copy(data.outputs);
    }

    _onReady(data) {
      this._remember(data);
      this._isReady = true;
      // Queued calls first, in call order, before listeners of neurite-ready send their own.
      const queued = this._queue;
      this._queue = [];
      for (const entry of queued) this._send(entry);
      const detail = this._detail(data);
      this._readySettled = true;
      this._resolveReady(detail);
      this._dispatch('neurite-ready', detail);
      if (this._attributeError !== null) {
        const message = this._attributeError;
        this._attributeError = null;
        this._dispatch('neurite-error', this._detail(data, message));
      }
    }

    _onChange(data) {
      this._remember(data);
      const entry = this._answered(data);
      if (entry) entry.resolve({ state: copy(this._state), outputs: copy(this._outputs) });
      this._dispatch('neurite-change', this._detail(data));
    }

    _onError(data) {
      this._remember(data);
      const message = typeof data.message === 'string' ? data.message : this._text().refused();
      const key = typeof data.key === 'string' ? data.key : null;
      const entry = this._answered(data);
      if (entry) {
        const error = new Error(message);
        error.name = 'NeuriteRefusal';
        error.key = key;
        error.state = copy(this._state);
        error.outputs = copy(this._outputs);
        entry.reject(error);
      }
      this._dispatch('neurite-error', this._detail(data, message, key));
    }

    _onResize(data) {
      const height = Number(data.height);
      if (!Number.isFinite(height) || height < 0) return;
      this._iframe.style.height = Math.ceil(height) + 'px';
    }

    // The pending setState a message answers, taken out of the pending ones; else undefined.
    _answered(data) {
      if (!this._pending.has(data.request)) return undefined;
      const entry = this._pending.get(data.request);
      this._pending.delete(data.request);
      return entry;
    }

    // An event's detail: the message's widget name, the last known state and outputs, and for
    // errors the message and the state key it is about (null when none).
    _detail(data, message, key) {
      const detail = {
        widget: data && typeof data.widget === 'string' ? data.widget : this.getAttribute('name'),
        state: copy(this._state),
        outputs: copy(this._outputs),
      };
      if (message !== undefined) {
        detail.message = message;
        detail.key = key === undefined ? null : key;
      }
      return detail;
    }

    _dispatch(type, detail) {
      // A listener's exception is reported by the browser and does not come back here.
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    _send(entry) {
      const request = nextRequest++;
      try {
        this._iframe.contentWindow.postMessage(Object.assign({ neurite: 1, request }, entry.message), TARGET_ORIGIN);
      } catch (e) {
        entry.reject(e);
        return;
      }
      this._pending.set(request, entry);
    }
  }

  window.customElements.define(TAG, NeuriteWidget);
})();
