/* global document, window, history, localStorage, fetch, WebSocket, requestAnimationFrame, cancelAnimationFrame, setTimeout, clearTimeout, crypto, location */
/*
 * Cinegraph demo page: starts a generation with `generateVideo` over HTTP POST, follows it with
 * `videoGenerationUpdates` over WebSocket (the graphql-transport-ws protocol, spoken directly
 * below), and animates progress between the status transitions the gateway sends.
 * Plain browser JavaScript: no build step, no framework, nothing loaded from elsewhere.
 */

const GRAPHQL_PATH = '/graphql';
const TOKEN_KEY = 'cinegraph.token';
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMED_OUT']);
const FORM_FIELDS = ['prompt', 'negativePrompt', 'aspectRatio', 'resolution', 'duration', 'style', 'seed'];

const GENERATION_FIELDS = `
  id status providerStatus prompt negativePrompt aspectRatio resolution duration style seed
  progress estimatedCompletionAt createdAt updatedAt completedAt
  video { url contentType fileSize }
  error { code message }
  transitions { status providerStatus at }`;

const GENERATE = `mutation DemoGenerate($input: GenerateVideoInput!) {
  generateVideo(input: $input) {
    generation { ${GENERATION_FIELDS} }
    userErrors { code message field retryAfterSeconds }
  }
}`;
const READ = `query DemoRead($id: ID!) { videoGeneration(id: $id) { ${GENERATION_FIELDS} } }`;
const FOLLOW = `subscription DemoFollow($id: ID!) { videoGenerationUpdates(id: $id) { ${GENERATION_FIELDS} } }`;
const RECENT = `query DemoRecent {
  videoGenerations(first: 10) { nodes { id status prompt resolution duration createdAt } }
}`;

const $ = (id) => document.getElementById(id);

const LABELS = {
  RATIO_16_9: '16:9', RATIO_4_3: '4:3', RATIO_1_1: '1:1', RATIO_3_4: '3:4', RATIO_9_16: '9:16',
  P360: '360p', P540: '540p', P720: '720p', P1080: '1080p',
  ANIME: 'anime', THREE_D_ANIMATION: '3D animation', CLAY: 'clay', COMIC: 'comic', CYBERPUNK: 'cyberpunk',
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

async function gql(query, variables) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  const token = tokenInput().value.trim();
  if (token) headers.authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(GRAPHQL_PATH, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
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
  if (first) throw new GatewayError(first.message, first.extensions && first.extensions.code, first.extensions || {});
  return body.data;
}

// ---------------------------------------------------------------------------------------------
// GraphQL over WebSocket (graphql-transport-ws): one socket per followed generation.

/**
 * Follows one generation. Calls `onData(generation)` for every event; on a lost connection it
 * reconnects with exponential backoff (1 s, 2 s, 4 s … at most 20 s, with jitter), re-reads the
 * state with `videoGeneration(id)` first, and subscribes again until the generation ends.
 */
function follow(id, { onData, onConnection, onFatal }) {
  let socket = null;
  let attempt = 0;
  let retryTimer = 0;
  let stopped = false;
  let ended = false;
  let ackTimer = 0;

  const stop = () => {
    stopped = true;
    clearTimeout(retryTimer);
    clearTimeout(ackTimer);
    window.removeEventListener('online', retryNow);
    if (socket && socket.readyState <= WebSocket.OPEN) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id: '1', type: 'complete' }));
      socket.close(1000, 'Normal Closure');
    }
    socket = null;
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
    if (stopped || !retryTimer) return;
    clearTimeout(retryTimer);
    retryTimer = 0;
    void reconnect();
  }

  const scheduleRetry = (reason) => {
    if (stopped || ended) return;
    const delay = Math.min(20_000, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt++;
    onConnection('lost', `${reason} Reconnecting in ${Math.round(delay / 1000)} s (attempt ${attempt})…`);
    retryTimer = setTimeout(() => {
      retryTimer = 0;
      void reconnect();
    }, delay);
  };

  async function reconnect() {
    if (stopped) return;
    onConnection('reconnecting', 'Reconnecting to the gateway…');
    // What happened while we were away: the state may even be final already.
    try {
      const data = await gql(READ, { id });
      if (stopped) return;
      if (!data.videoGeneration) {
        onFatal(`Generation ${id} no longer exists on this gateway.`);
        stop();
        return;
      }
      deliver(data.videoGeneration);
      if (ended) {
        onConnection('ok', 'Reconnected.');
        return;
      }
    } catch (err) {
      if (err instanceof GatewayError && err.code === 'UNAUTHENTICATED') {
        onFatal(err.message, 'auth');
        stop();
        return;
      }
      scheduleRetry('The gateway is still unreachable.');
      return;
    }
    connect(true);
  }

  function connect(isRetry) {
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${GRAPHQL_PATH}`;
    const ws = new WebSocket(url, 'graphql-transport-ws');
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      const token = tokenInput().value.trim();
      ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }));
      // A gateway that never acknowledges is as good as unreachable.
      ackTimer = setTimeout(() => ws.close(4504, 'Connection acknowledgement timeout'), 10_000);
    });
    ws.addEventListener('message', (event) => {
      if (ws !== socket) return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        ws.close(4400, 'Invalid message');
        return;
      }
      switch (msg.type) {
        case 'connection_ack':
          clearTimeout(ackTimer);
          if (isRetry) onConnection('ok', 'Reconnected: following the generation again.');
          attempt = 0;
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: FOLLOW, variables: { id } } }));
          break;
        case 'ping':
          ws.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'next': {
          const payload = msg.payload || {};
          if (payload.errors && payload.errors.length) {
            onFatal(payload.errors[0].message);
            stop();
          } else if (payload.data && payload.data.videoGenerationUpdates) {
            deliver(payload.data.videoGenerationUpdates);
          }
          break;
        }
        case 'error':
          onFatal((msg.payload && msg.payload[0] && msg.payload[0].message) || 'The subscription was refused.');
          stop();
          break;
        case 'complete':
          // The server completes after a terminal status, which deliver() has already seen.
          if (!ended) stop();
          break;
        default:
          break;
      }
    });
    ws.addEventListener('close', (event) => {
      clearTimeout(ackTimer);
      if (ws !== socket || stopped || ended) return;
      socket = null;
      if (event.code === 4403 || event.code === 4401) {
        onFatal('The gateway refused the token for live updates. Enter a valid token.', 'auth');
        stop();
        return;
      }
      if (event.code === 4400 || event.code === 4409 || event.code === 4406) {
        onFatal(`The gateway closed the live connection: ${event.reason || event.code}.`);
        stop();
        return;
      }
      scheduleRetry(opened ? 'Connection to the gateway lost.' : 'Cannot connect to the gateway.');
    });
  }

  window.addEventListener('online', retryNow);
  connect(false);
  return { stop };
}

// ---------------------------------------------------------------------------------------------
// Progress animation: between transitions the bar moves toward the gateway's own estimate
// (linear to 90% at estimatedCompletionAt, then slowly toward 99%), never backwards, and to
// 100% only when COMPLETED.

const ON_SCHEDULE = 0.9;
const PENDING_CAP = 0.99;

const anim = {
  shown: 0,
  base: 0,
  baseAt: 0,
  eta: null,
  expectedMs: 30_000,
  status: null,
  frame: 0,
  lastFrameAt: 0,
  lastEtaText: '',
};

function targetProgress(now) {
  if (anim.status === 'COMPLETED') return 1;
  if (anim.status === null || TERMINAL.has(anim.status)) return anim.shown;
  if (anim.eta === null) return anim.base;
  // From the last reported value, in a straight line to 90% at the estimated completion time
  // (the gateway's own progress follows the same line).
  const from = Math.max(anim.base, ON_SCHEDULE);
  if (now < anim.eta) {
    const f = Math.min(1, Math.max(0, (now - anim.baseAt) / Math.max(1, anim.eta - anim.baseAt)));
    return anim.base + (from - anim.base) * f;
  }
  // Overdue: keep moving, slowly, toward the cap (a frozen bar looks broken).
  const overdue = (now - anim.eta) / Math.max(1000, anim.expectedMs);
  return from + (PENDING_CAP - from) * (1 - Math.exp(-2 * overdue));
}

function renderProgress(now) {
  const bar = $('progress');
  bar.value = anim.shown;
  const pct = anim.status === 'COMPLETED' && anim.shown >= 1 ? 100 : Math.min(99, Math.floor(anim.shown * 100));
  $('progress-text').textContent = `${pct}%`;
  bar.textContent = `${pct}%`;
  let eta = '';
  if (anim.status && !TERMINAL.has(anim.status) && anim.eta !== null) {
    const left = Math.round((anim.eta - now) / 1000);
    eta = left > 0 ? `About ${left} s left (expected at ${new Date(anim.eta).toLocaleTimeString()}).` : 'Taking a little longer than expected…';
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
  const target = targetProgress(now);
  // Ease toward the target (about 90% of the way in 0.5 s); never backwards.
  const next = anim.shown + (target - anim.shown) * (1 - Math.exp(-dt / 200));
  anim.shown = Math.min(1, Math.max(anim.shown, target >= 1 && 1 - next < 0.002 ? 1 : next));
  renderProgress(now);
  const settled = anim.status === null || (TERMINAL.has(anim.status) && (anim.status !== 'COMPLETED' || anim.shown >= 1));
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
  Object.assign(anim, { shown: 0, base: 0, baseAt: 0, eta: null, status: null, frame: 0, lastEtaText: '' });
  $('eta').textContent = '';
  renderProgress(Date.now());
}

function feedProgress(gen) {
  const now = Date.now();
  anim.status = gen.status;
  anim.base = Math.max(anim.base, gen.progress);
  anim.baseAt = now;
  anim.eta = gen.estimatedCompletionAt ? Date.parse(gen.estimatedCompletionAt) : null;
  if (anim.eta !== null) anim.expectedMs = Math.max(1000, anim.eta - Date.parse(gen.createdAt));
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
    const data = await gql(READ, { id });
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
};

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
  attemptKey = attemptKey || newKey();
  input.idempotencyKey = attemptKey;
  const button = $('generate');
  button.disabled = true;
  button.textContent = 'Starting…';
  try {
    const data = await gql(GENERATE, { input });
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

async function loadRecent() {
  let nodes;
  try {
    nodes = (await gql(RECENT, {})).videoGenerations.nodes;
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
      meta.textContent = `${LABELS[n.resolution]} · ${n.duration} s · ${formatTime(n.createdAt)}`;
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

function init() {
  const form = $('generate-form');
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
