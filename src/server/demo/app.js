/* global document, window, history, localStorage, fetch, requestAnimationFrame, cancelAnimationFrame, setTimeout, clearTimeout, crypto, location, FormData */
/*
 * Cinegraph demo page: starts a generation with `generateVideo` over HTTP POST, follows it with
 * `videoGenerationUpdates` over WebSocket (graphql-transport-ws, through the graphql-ws package's
 * browser build), and animates progress between the status transitions the gateway sends.
 * Plain browser JavaScript: no build step, no framework, nothing loaded from elsewhere.
 *
 * What the page shares with the CLI comes from the gateway (src/server/routes/demo.ts): the
 * operations (./operations.js, from src/client/operations/*.graphql) and the progress curve
 * (./progress-curve.js, which is src/client/progress-curve.js).
 */
import { DOCUMENT_IDS, FollowGeneration, GenerationHistory, ReadGeneration, StartGeneration, Viewer } from './operations.js';
import { ProgressCurve, TERMINAL } from './progress-curve.js';
import { FRAME_FIELDS, frameFigures, setupFrames } from './frames.js';

/** graphql-ws's browser build, loaded by index.html before this module. */
const { createClient } = window.graphqlWs;

const GRAPHQL_PATH = '/graphql';
const TOKEN_KEY = 'cinegraph.token';
const FORM_FIELDS = ['prompt', 'negativePrompt', 'aspectRatio', 'resolution', 'duration', 'style', 'seed', ...FRAME_FIELDS];
/** How many generations the Recent list shows. */
const RECENT_COUNT = 10;

const $ = (id) => document.getElementById(id);

const LABELS = {
  RATIO_16_9: '16:9', RATIO_4_3: '4:3', RATIO_1_1: '1:1', RATIO_3_4: '3:4', RATIO_9_16: '9:16',
  P360: '360p', P540: '540p', P720: '720p', P1080: '1080p',
  ANIME: 'anime', THREE_D_ANIMATION: '3D animation', CLAY: 'clay', COMIC: 'comic', CYBERPUNK: 'cyberpunk',
  TEXT_TO_VIDEO: 'text-to-video', IMAGE_TO_VIDEO: 'image-to-video (from the first frame)', TRANSITION: 'transition (first frame to last)',
};

const STATUS_TEXT = {
  QUEUED: 'Queued: waiting for the provider to start.',
  GENERATING: 'Generating: the provider is rendering your video.',
  COMPLETED: 'Done: your video is ready.',
};

// ---------------------------------------------------------------------------------------------
// Token

function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function setToken(value) {
  try {
    if (value) localStorage.setItem(TOKEN_KEY, value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage may be unavailable (private mode): the token then lasts for this page only.
  }
}

// ---------------------------------------------------------------------------------------------
// GraphQL over HTTP

class GatewayError extends Error {
  constructor(message, code, extra = {}) {
    super(message);
    this.code = code;
    this.extra = extra;
  }
}

/**
 * What a gateway that runs only trusted documents (PERSISTED_DOCUMENTS_ONLY) answers to an
 * operation sent as text, before anything runs.
 */
const ONLY_TRUSTED = 'OPERATION_RESOLUTION_FAILURE';

/**
 * Whether operations go by their trusted-document id alone. The page sends the text first, which
 * every gateway takes; once a gateway refuses it as ONLY_TRUSTED, the page sends the ids of
 * DOCUMENT_IDS (src/client/generated/persisted-documents.json) over HTTP and WebSocket.
 */
let byId = false;

/** An operation's id, once the gateway asked for ids; undefined while its text goes. */
function idToSend(query) {
  return byId ? DOCUMENT_IDS.get(query) : undefined;
}

/**
 * Runs an operation over HTTP. With `files` ({ 'variables.input.firstFrame.file': File, … }) it is
 * a GraphQL multipart request: the operation (files as null), the map, then one part per file.
 */
async function gql(query, variables, files = {}) {
  const paths = Object.keys(files);
  const headers = { accept: 'application/graphql-response+json, application/json' };
  const documentId = idToSend(query);
  let request = JSON.stringify(documentId ? { documentId, variables } : { query, variables });
  if (paths.length > 0) {
    const form = new FormData();
    form.set('operations', request);
    form.set('map', JSON.stringify(Object.fromEntries(paths.map((p, i) => [String(i), [p]]))));
    paths.forEach((p, i) => form.set(String(i), files[p], files[p].name || `frame-${i}`));
    request = form;
    // A multipart POST is a "simple" request: this header shows the gateway it is not a cross-site form.
    headers['x-graphql-csrf'] = '1';
  } else {
    headers['content-type'] = 'application/json';
  }
  const token = tokenInput().value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(GRAPHQL_PATH, { method: 'POST', headers, body: request });
  } catch {
    throw new GatewayError('The gateway cannot be reached. Check that it is running, then try again.', 'NETWORK');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new GatewayError(`The gateway answered HTTP ${res.status} without a GraphQL response.`, 'HTTP');
  }
  const first = body.errors && body.errors[0];
  if (first && first.extensions && first.extensions.code === ONLY_TRUSTED && !documentId && DOCUMENT_IDS.has(query)) {
    byId = true;
    return gql(query, variables, files);
  }
  if (first) throw new GatewayError(first.message, first.extensions && first.extensions.code, first.extensions || {});
  return body.data;
}

// ---------------------------------------------------------------------------------------------
// GraphQL over WebSocket (graphql-transport-ws, spoken by graphql-ws): one client per followed
// generation.

/** Close codes after which trying again cannot help: the gateway refused the token. */
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

/**
 * Follows one generation. Calls `onData(generation)` for every event; on a lost connection it
 * reconnects with exponential backoff (1 s, 2 s, 4 s … at most 20 s, with jitter), re-reads the
 * state with `videoGeneration(id)` first, and subscribes again until the generation ends.
 * graphql-ws does the protocol, the reconnecting and the subscribing again; this function paces
 * its retries and says what is going on.
 */
function follow(id, { onData, onConnection, onFatal }) {
  let stopped = false;
  let ended = false;
  /** Whether the socket of the current attempt opened: "lost" or "cannot connect". */
  let opened = false;
  let attempt = 0;
  /** Cuts the current wait short (the browser came back online). */
  let wake = null;
  let unsubscribe = () => {};

  const client = createClient({
    url: `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${GRAPHQL_PATH}`,
    // Read at every connection, so a token entered after a refusal is used on the next one.
    connectionParams: () => {
      const token = tokenInput().value.trim();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    // A gateway that never acknowledges is as good as unreachable: close, and try again.
    connectionAckWaitTimeout: 10_000,
    retryAttempts: Infinity,
    // Browsers report a dropped connection as an error event, not a close event: retry those
    // too, but not a refused token (graphql-ws itself gives up on the other fatal close codes).
    shouldRetry: (event) => !(event && AUTH_CLOSE_CODES.has(event.code)),
    retryWait: () => waitAndReread(),
    on: {
      connecting: () => {
        opened = false;
      },
      opened: () => {
        opened = true;
      },
      connected: (_socket, _payload, wasRetry) => {
        attempt = 0;
        if (wasRetry && !stopped) onConnection('ok', 'Reconnected: following the generation again.');
      },
    },
  });

  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (wake) wake();
    window.removeEventListener('online', retryNow);
    // Completes the subscription; then the socket closes (1000), as nothing else uses it.
    unsubscribe();
    client.dispose().catch(() => {});
  };

  const finish = (gen) => {
    ended = true;
    onData(gen);
    stop();
  };

  const deliver = (gen) => {
    if (stopped) return;
    if (TERMINAL.has(gen.status)) finish(gen);
    else onData(gen);
  };

  function retryNow() {
    if (wake) wake();
  }

  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  /**
   * graphql-ws waits in here before each new connection: back off, then read what happened while
   * away (the state may even be final already), until the gateway answers over HTTP again.
   */
  async function waitAndReread() {
    let reason = opened ? 'Connection to the gateway lost.' : 'Cannot connect to the gateway.';
    for (;;) {
      if (stopped || ended) return;
      const delay = Math.min(20_000, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt++;
      onConnection('lost', `${reason} Reconnecting in ${Math.round(delay / 1000)} s (attempt ${attempt})…`);
      await sleep(delay);
      if (stopped) return;
      onConnection('reconnecting', 'Reconnecting to the gateway…');
      try {
        const data = await gql(ReadGeneration, { id });
        if (stopped) return;
        if (!data.videoGeneration) {
          onFatal(`Generation ${id} no longer exists on this gateway.`);
          stop();
          return;
        }
        deliver(data.videoGeneration);
        if (ended) onConnection('ok', 'Reconnected.');
        // Ended: stop() has unsubscribed, and graphql-ws does not connect again.
        return;
      } catch (err) {
        if (err instanceof GatewayError && err.code === 'UNAUTHENTICATED') {
          onFatal(err.message, 'auth');
          stop();
          return;
        }
        reason = 'The gateway is still unreachable.';
      }
    }
  }

  /** Why graphql-ws gave up: a close event, a list of GraphQL errors, or an error event. */
  function fail(err) {
    if (stopped || ended) return;
    if (err && AUTH_CLOSE_CODES.has(err.code)) {
      onFatal('The gateway refused the token for live updates. Enter a valid token.', 'auth');
    } else if (err && typeof err.code === 'number') {
      onFatal(`The gateway closed the live connection: ${err.reason || err.code}.`);
    } else if (Array.isArray(err) && err[0] && err[0].message) {
      onFatal(err[0].message);
    } else {
      onFatal('The subscription was refused.');
    }
    stop();
  }

  const documentId = idToSend(FollowGeneration);
  unsubscribe = client.subscribe(
    // graphql-ws requires a query string: an empty one beside the id.
    documentId ? { query: '', documentId, variables: { id } } : { query: FollowGeneration, variables: { id } },
    {
      next: (result) => {
        if (stopped) return;
        if (result.errors && result.errors.length) {
          onFatal(result.errors[0].message);
          stop();
        } else if (result.data && result.data.videoGenerationUpdates) {
          deliver(result.data.videoGenerationUpdates);
        }
      },
      error: fail,
      // The server completes after a terminal status, which deliver() has already seen.
      complete: () => {
        if (!ended) stop();
      },
    },
  );
  window.addEventListener('online', retryNow);
  return { stop };
}

// ---------------------------------------------------------------------------------------------
// Progress animation: between transitions the bar eases toward the curve the CLI draws too
// (./progress-curve.js: linear to 90% at estimatedCompletionAt, then slowly toward 99%), never
// backwards, and to 100% only when COMPLETED.

const anim = {
  curve: new ProgressCurve(),
  shown: 0,
  frame: 0,
  lastFrameAt: 0,
  lastEtaText: '',
};

function renderProgress(now) {
  const { curve } = anim;
  const bar = $('progress');
  bar.value = anim.shown;
  const pct = curve.status === 'COMPLETED' && anim.shown >= 1 ? 100 : Math.min(99, Math.floor(anim.shown * 100));
  $('progress-text').textContent = `${pct}%`;
  bar.textContent = `${pct}%`;
  let eta = '';
  const left = curve.secondsLeft(now);
  if (left !== null) {
    eta = left > 0 ? `About ${left} s left (expected at ${new Date(curve.eta).toLocaleTimeString()}).` : 'Taking a little longer than expected…';
  }
  if (eta !== anim.lastEtaText) {
    anim.lastEtaText = eta;
    $('eta').textContent = eta;
  }
}

function tick(ts) {
  anim.frame = 0;
  const now = Date.now();
  const dt = anim.lastFrameAt ? Math.min(250, ts - anim.lastFrameAt) : 16;
  anim.lastFrameAt = ts;
  const target = anim.curve.target(now);
  // Ease toward the target (about 90% of the way in 0.5 s); never backwards.
  const next = anim.shown + (target - anim.shown) * (1 - Math.exp(-dt / 200));
  anim.shown = Math.min(1, Math.max(anim.shown, target >= 1 && 1 - next < 0.002 ? 1 : next));
  renderProgress(now);
  const { status } = anim.curve;
  const settled = status === null || (TERMINAL.has(status) && (status !== 'COMPLETED' || anim.shown >= 1));
  if (!settled) anim.frame = requestAnimationFrame(tick);
}

function animate() {
  if (!anim.frame) {
    anim.lastFrameAt = 0;
    anim.frame = requestAnimationFrame(tick);
  }
}

function resetProgress() {
  if (anim.frame) cancelAnimationFrame(anim.frame);
  Object.assign(anim, { curve: new ProgressCurve(), shown: 0, frame: 0, lastEtaText: '' });
  $('eta').textContent = '';
  renderProgress(Date.now());
}

function feedProgress(gen) {
  anim.curve.feed(gen, Date.now());
  animate();
}

// ---------------------------------------------------------------------------------------------
// Rendering a generation

let current = null; // { id, follower, lastStatus, gen }

function describeOptions(gen) {
  const parts = [LABELS[gen.resolution], `${gen.duration} s`, LABELS[gen.aspectRatio]];
  if (gen.style) parts.push(LABELS[gen.style] || gen.style);
  if (gen.seed !== null && gen.seed !== undefined) parts.push(`seed ${gen.seed}`);
  return parts.join(' · ');
}

/** What a generation cost, as the provider reported it; empty until it has. */
function formatCost(usage) {
  if (!usage) return '';
  const parts = [];
  if (usage.credits !== null && usage.credits !== undefined) parts.push(`${formatCredits(usage.credits)} credits`);
  if (usage.usd !== null && usage.usd !== undefined) parts.push(`$${usage.usd.toFixed(usage.usd < 1 ? 4 : 2)}`);
  return parts.join(' · ');
}

function formatCredits(n) {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function statusText(gen) {
  if (gen.status === 'FAILED') return `Failed: ${gen.error ? gen.error.message : 'the provider reported an error.'}`;
  if (gen.status === 'TIMED_OUT') return `Timed out: ${gen.error ? gen.error.message : 'no answer from the provider in time.'}`;
  return STATUS_TEXT[gen.status] || `${gen.status}.`;
}

function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

function renderGeneration(gen) {
  if (!current || current.id !== gen.id) return;
  const section = $('current');
  section.dataset.status = gen.status;
  if (current.lastStatus !== gen.status) {
    current.lastStatus = gen.status;
    // Changed only on a transition, so screen readers hear each status once.
    $('status-line').textContent = statusText(gen);
  }
  $('details').hidden = false;
  $('detail-prompt').textContent = gen.prompt || '(not known to this gateway)';
  $('detail-options').textContent = describeOptions(gen);
  $('detail-model').textContent = LABELS[gen.model] || gen.model || 'text-to-video';
  const figures = frameFigures(gen);
  $('detail-frames').replaceChildren(...figures);
  $('detail-frames').hidden = figures.length === 0;
  $('detail-frames-label').hidden = figures.length === 0;
  $('detail-cost').textContent = formatCost(gen.usage) || (TERMINAL.has(gen.status) ? 'Not reported by the provider.' : 'Not reported yet.');
  $('detail-id').textContent = gen.id;

  const log = $('transitions');
  log.replaceChildren(
    ...gen.transitions.map((t) => {
      const li = document.createElement('li');
      const time = document.createElement('time');
      time.dateTime = t.at;
      time.textContent = formatTime(t.at);
      const status = document.createElement('strong');
      status.textContent = t.status;
      li.append(time, ' ', status, ` (provider: ${t.providerStatus})`);
      return li;
    }),
  );

  feedProgress(gen);

  if (gen.status === 'COMPLETED' && gen.video) showVideo(gen.video.url);
  $('video-placeholder').hidden = TERMINAL.has(gen.status);
  current.gen = gen;
  markRecent();
}

function showVideo(url) {
  const video = $('video');
  if (video.dataset.src === url) return;
  video.dataset.src = url;
  video.src = url;
  $('video-link').href = url;
  $('player').hidden = false;
  const play = video.play();
  if (play && play.catch) {
    // Browsers may refuse to autoplay with sound: play muted instead (the controls unmute it).
    play.catch(() => {
      video.muted = true;
      return video.play().catch(() => {});
    });
  }
}

function clearGeneration() {
  if (current && current.follower) current.follower.stop();
  current = null;
  resetProgress();
  $('transitions').replaceChildren();
  $('details').hidden = true;
  const video = $('video');
  video.pause();
  video.removeAttribute('src');
  delete video.dataset.src;
  video.load();
  $('player').hidden = true;
  $('video-placeholder').hidden = true;
  setConnection('ok', '');
}

function setConnection(state, text) {
  const el = $('connection');
  el.dataset.state = state;
  el.textContent = text;
  el.hidden = !text;
  if (state === 'ok' && text) {
    setTimeout(() => {
      if (el.textContent === text) el.hidden = true;
    }, 4000);
  }
}

/** Shows a generation and, unless it has ended, follows it live. */
function watch(gen) {
  clearGeneration();
  current = { id: gen.id, follower: null, lastStatus: null, gen: null };
  history.replaceState(null, '', `#id=${encodeURIComponent(gen.id)}`);
  renderGeneration(gen);
  if (TERMINAL.has(gen.status)) return;
  const id = gen.id;
  current.follower = follow(id, {
    onData: (g) => {
      renderGeneration(g);
      if (TERMINAL.has(g.status)) void loadRecent();
    },
    onConnection: (state, text) => {
      if (current && current.id === id) setConnection(state, text);
    },
    onFatal: (message, kind) => {
      if (!current || current.id !== id) return;
      setConnection('error', message);
      if (kind === 'auth') showTokenError(message);
    },
  });
}

async function open(id) {
  try {
    const data = await gql(ReadGeneration, { id });
    if (!data.videoGeneration) {
      showFormError(`No generation with id ${id} on this gateway.`);
      return;
    }
    watch(data.videoGeneration);
  } catch (err) {
    handleRequestError(err);
  }
}

// ---------------------------------------------------------------------------------------------
// The form

const tokenInput = () => $('token');

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context (https or localhost); getRandomValues does not.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One idempotency key per attempt: a retry after a lost answer reuses it (no second charge);
 * any change to the form, or a definite answer, starts a new attempt.
 */
let attemptKey = null;

function clearFieldError(field) {
  const control = $(field);
  const error = $(`${field}-error`);
  if (!control || !error) return;
  control.removeAttribute('aria-invalid');
  error.textContent = '';
  error.hidden = true;
}

function clearErrors() {
  for (const f of [...FORM_FIELDS, 'token']) clearFieldError(f);
  const box = $('form-error');
  box.textContent = '';
  box.hidden = true;
}

function showFieldError(field, message) {
  const control = $(field);
  const error = $(`${field}-error`);
  if (!control || !error) return false;
  control.setAttribute('aria-invalid', 'true');
  error.textContent = message;
  error.hidden = false;
  return true;
}

function showFormError(message) {
  const box = $('form-error');
  box.textContent = message;
  box.hidden = false;
}

function showTokenError(message) {
  $('token-box').open = true;
  showFieldError('token', message);
  tokenInput().focus();
}

function focusFirstInvalid() {
  const first = document.querySelector('#generate-form [aria-invalid="true"]');
  if (first) first.focus();
}

function readInput() {
  const form = $('generate-form');
  const value = (name) => form.elements[name].value;
  const input = {
    prompt: value('prompt'),
    aspectRatio: value('aspectRatio'),
    resolution: value('resolution'),
    duration: Number(value('duration')),
  };
  const negative = value('negativePrompt').trim();
  if (negative) input.negativePrompt = negative;
  if (value('style')) input.style = value('style');
  const seedText = value('seed').trim();
  const seedControl = form.elements.seed;
  if (seedControl.validity.badInput) return { problem: ['seed', 'Seed must be a whole number from 0 to 2147483647.'] };
  if (seedText) {
    const seed = Number(seedText);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2147483647) {
      return { problem: ['seed', 'Seed must be a whole number from 0 to 2147483647.'] };
    }
    input.seed = seed;
  }
  return { input };
}

const USER_ERROR_TEXT = {
  RATE_LIMITED: (e) => `Too many generations right now${e.retryAfterSeconds ? `: try again in ${e.retryAfterSeconds} s` : ': try again shortly'}. (${e.message})`,
  UPSTREAM_UNAVAILABLE: (e) => `The video provider is not answering: ${e.message}`,
  UPSTREAM_REJECTED: (e) => `The video provider refused the request: ${e.message}`,
  IDEMPOTENCY_CONFLICT: (e) => e.message,
  BUDGET_EXCEEDED: (e) =>
    `Your spending limit is reached${e.retryAfterSeconds ? `: room again in ${formatWait(e.retryAfterSeconds)}` : ''}. (${e.message})`,
};

function formatWait(seconds) {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function handleRequestError(err) {
  if (!(err instanceof GatewayError)) {
    showFormError(`Something went wrong: ${err && err.message ? err.message : err}`);
    return;
  }
  if (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN') {
    showTokenError(tokenInput().value ? 'The gateway refused this token.' : 'This gateway requires a token: enter it here.');
    return;
  }
  // A variable the server could not coerce (e.g. a seed too large for Int) names its field.
  const m = /"?input\.(\w+)"?/.exec(err.message);
  if (err.code === 'BAD_USER_INPUT' && m && showFieldError(m[1], err.message)) {
    focusFirstInvalid();
    return;
  }
  if (err.code === 'RATE_LIMITED') {
    const after = err.extra.retryAfterSeconds;
    showFormError(`Too many requests${after ? `: try again in ${after} s` : ''}. (${err.message})`);
    return;
  }
  showFormError(err.message);
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const { input, problem } = readInput();
  if (problem) {
    showFieldError(problem[0], problem[1]);
    focusFirstInvalid();
    return;
  }
  if (!input.prompt.trim()) {
    showFieldError('prompt', 'Write a prompt: what should the video show?');
    focusFirstInvalid();
    return;
  }
  // Chosen frames travel as files of a multipart request; the variables hold null in their place.
  const files = {};
  for (const [field, file] of Object.entries(frames.files())) {
    input[field] = { file: null };
    files[`variables.input.${field}.file`] = file;
  }
  // Image-to-video follows the image's shape unless a ratio is chosen: leave the default out.
  if (input.firstFrame && !input.lastFrame && $('aspectRatio').dataset.touched !== 'true') delete input.aspectRatio;
  attemptKey = attemptKey || newKey();
  input.idempotencyKey = attemptKey;
  const button = $('generate');
  button.disabled = true;
  button.textContent = 'Starting…';
  try {
    const data = await gql(StartGeneration, { input }, files);
    attemptKey = null;
    const { generation, userErrors } = data.generateVideo;
    if (userErrors.length > 0) {
      for (const e of userErrors) {
        const field = e.field && e.field[0] === 'input' ? e.field[1] : null;
        if (!(field && showFieldError(field, e.message))) {
          showFormError((USER_ERROR_TEXT[e.code] || ((x) => x.message))(e));
        }
      }
      focusFirstInvalid();
      return;
    }
    watch(generation);
    void loadRecent();
  } catch (err) {
    // NETWORK: the answer was lost; keep the key, so trying again cannot start (and pay for) two.
    if (!(err instanceof GatewayError && err.code === 'NETWORK')) attemptKey = null;
    handleRequestError(err);
  } finally {
    button.disabled = false;
    button.textContent = 'Generate video';
  }
}

// ---------------------------------------------------------------------------------------------
// Recent generations

/** Marks the generation on show in the list, and keeps its status badge current. */
function markRecent() {
  for (const b of document.querySelectorAll('#recent button')) {
    const isCurrent = current && b.dataset.id === current.id;
    if (isCurrent) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
    if (isCurrent && current.gen) {
      const badge = b.querySelector('.badge');
      badge.dataset.status = current.gen.status;
      badge.textContent = current.gen.status;
    }
  }
}

/** The caller's spend over the last 24 hours, and its limit when there is one. */
async function loadViewer() {
  const line = $('viewer');
  try {
    const { viewer } = await gql(Viewer, {});
    const limit = viewer.limits.spendPerDay;
    line.textContent =
      `Spent in the last 24 hours: ${formatCredits(viewer.spentLast24h)} credits` +
      (limit !== null ? ` of ${formatCredits(limit)}.` : '.') +
      ` Running: ${viewer.activeGenerations} of ${viewer.limits.maxActiveGenerations}.`;
    line.hidden = false;
  } catch {
    // Shown when it can be read; the list below says what is wrong.
    line.hidden = true;
  }
}

async function loadRecent() {
  void loadViewer();
  let nodes;
  try {
    nodes = (await gql(GenerationHistory, { first: RECENT_COUNT })).videoGenerations.edges.map((e) => e.node);
  } catch (err) {
    if (err instanceof GatewayError && err.code === 'UNAUTHENTICATED') {
      $('recent-empty').textContent = 'Enter the gateway token to see your generations.';
      $('recent-empty').hidden = false;
      $('recent').replaceChildren();
      return;
    }
    $('recent-empty').textContent = `Could not load recent generations: ${err.message}`;
    $('recent-empty').hidden = false;
    return;
  }
  $('recent-empty').textContent = 'None yet.';
  $('recent-empty').hidden = nodes.length > 0;
  $('recent').replaceChildren(
    ...nodes.map((n) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.id = n.id;
      const status = document.createElement('span');
      status.className = 'badge';
      status.dataset.status = n.status;
      status.textContent = n.status;
      const prompt = document.createElement('span');
      prompt.className = 'recent-prompt';
      prompt.textContent = n.prompt || n.id;
      const meta = document.createElement('span');
      meta.className = 'recent-meta';
      const cost = formatCost(n.usage);
      meta.textContent = `${LABELS[n.resolution]} · ${n.duration} s · ${formatTime(n.createdAt)}${cost ? ` · ${cost}` : ''}`;
      button.append(status, prompt, meta);
      button.addEventListener('click', () => void open(n.id));
      li.append(button);
      return li;
    }),
  );
  markRecent();
}

// ---------------------------------------------------------------------------------------------
// Start-up

let frames = null;

function init() {
  const form = $('generate-form');
  frames = setupFrames({
    onChange: (field) => {
      attemptKey = null;
      clearFieldError(field);
    },
  });
  $('aspectRatio').addEventListener('change', () => ($('aspectRatio').dataset.touched = 'true'));
  form.addEventListener('submit', (e) => void submit(e));
  for (const f of FORM_FIELDS) {
    const control = $(f);
    const onEdit = () => {
      attemptKey = null;
      clearFieldError(f);
    };
    control.addEventListener('input', onEdit);
    control.addEventListener('change', onEdit);
  }
  // Ctrl/Cmd+Enter in the prompt starts a generation, as in GraphiQL.
  $('prompt').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });

  const token = tokenInput();
  token.value = getToken();
  if (token.value) $('token-box').open = true;
  token.addEventListener('change', () => {
    setToken(token.value.trim());
    clearFieldError('token');
    void loadRecent();
  });

  $('refresh').addEventListener('click', () => void loadRecent());
  resetProgress();
  void loadRecent();

  const m = /^#id=(.+)$/.exec(location.hash);
  if (m) void open(decodeURIComponent(m[1]));
}

init();
