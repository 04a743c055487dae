// The node's dashboard: status and table digests over HTTP, events over the WebSocket /api/v1/p2p/ws.
// No build step: plain ES modules served by the node.

import { P2P, ApiError, get, getFrom, mutate, adminToken, setAdminToken } from './api.js';
import { RateChart } from './chart.js';
import { h, ago, duration, millis, skew, count, shortId, clock } from './format.js';

/** The synced tables when the status does not list them yet (review-api's ReviewDatabase.TABLES). */
const DEFAULT_TABLES = ['users', 'categories', 'products', 'reviews', 'product_images', 'review_media',
  'activity_logs'];
const STATUS_POLL_MS = 5000;
const TABLES_POLL_MS = 5000;
const MAX_EVENTS = 200;
const WS_PING_MS = 20000;

const $ = (selector) => document.querySelector(selector);

const state = {
  status: null,
  statusAt: 0,
  /** table -> table-info of this node */
  tables: new Map(),
  /** peer id -> {base, status, tables: Map(table -> info), error} */
  peers: new Map(),
  ws: null,
  wsRetry: 0,
  tablesTimer: null,
};

const chart = new RateChart($('#rate-chart'), 300, ({ total, peak }) => {
  $('#chart-summary').textContent = `last 5 min · ${count(total)} rows · peak ${count(peak)}/s`;
});

// ---------------------------------------------------------------- status and topology

async function loadStatus() {
  try {
    renderStatus(await get(`${P2P}/status`));
  } catch (e) {
    showWarnings([`Cannot read ${P2P}/status: ${e.message}`]);
  }
}

function renderStatus(update) {
  // Merged over the last one: a status message that lacks a field does not blank what is known.
  const status = { ...(state.status || {}), ...update };
  state.status = status;
  state.statusAt = Date.now();
  document.title = `${status.node_name || 'node'} · peersync`;
  $('#node-name').textContent = status.node_name || 'peersync node';
  $('#node-id').textContent = status.node_id || '';
  const auth = $('#auth-mode');
  auth.replaceChildren(authPill(status.auth_mode));
  $('#cluster-id').textContent = status.cluster_id || '–';
  $('#api-version').textContent = status.api_version || '–';
  const config = status.config || {};
  $('#sync-config').textContent = config.enable_p2p_sync === false ? 'disabled'
    : `every ${config.sync_interval ?? '?'}s${config.enable_auto_discovery ? ' · discovery on' : ''}`;
  showWarnings(status.warnings || []);
  const counters = status.counters || {};
  document.querySelectorAll('#counters [data-counter]').forEach((cell) => {
    cell.textContent = count(counters[cell.dataset.counter]);
    cell.classList.toggle('warn-text', cell.dataset.counter === 'parked_rows' && counters.parked_rows > 0);
  });
  renderUptime();
  renderNodes();
  renderTables();
  const running = status.join || (status.catch_ups || [])[0];
  if (running) {
    renderJoin(running);
  }
}

// A snapshot join: a bar while it runs (status.join, join_progress events), a summary line once done.
function renderJoin(join) {
  const box = $('#join');
  box.hidden = false;
  const bar = $('#join-progress');
  bar.value = Number(join.percent) || 0;
  const rows = `${count(join.rows_loaded)} of ${count(join.rows_total)} rows`;
  const catchUp = join.kind === 'catch_up';
  box.dataset.kind = catchUp ? 'catch_up' : 'join';
  if (join.done) {
    box.dataset.state = 'done';
    $('#join-text').textContent = catchUp ? `Caught up with ${peerName(join.peer)}: ${count(join.rows_loaded)} rows applied`
      : `Joined ${peerName(join.peer)} by snapshot: ${rows}`;
  } else {
    box.dataset.state = 'running';
    const eta = join.eta_seconds === null || join.eta_seconds === undefined ? '' : `, about ${duration(join.eta_seconds)} left`;
    $('#join-text').textContent = (catchUp ? `Catching up with ${peerName(join.peer)}: ${rows}`
      : `Joining ${peerName(join.peer)} by snapshot: ${rows}`) + ` (${Math.round(join.percent)}%)`
      + `${join.table ? `, table ${join.table}` : ''}, ${count(join.rows_per_second)} rows/s${eta}`;
  }
}

function renderUptime() {
  const status = state.status;
  if (status) {
    const seconds = (status.uptime_seconds || 0) + Math.floor((Date.now() - state.statusAt) / 1000);
    $('#uptime').textContent = duration(seconds);
  }
}

function showWarnings(warnings) {
  const box = $('#warnings');
  box.replaceChildren(...warnings.map(w => h('div', {}, '⚠ ', w)));
  box.hidden = warnings.length === 0;
}

function authPill(mode) {
  if (!mode) {
    return '–';
  }
  return h('span', { class: `pill ${mode === 'hmac' ? 'pill-ok' : 'pill-warn'}`,
    title: mode === 'hmac' ? 'peers authenticate with CLUSTER_SECRET'
      : 'no CLUSTER_SECRET: protected mode, peers on this host only' },
  mode);
}

function statePill(value) {
  const cls = { active: 'pill-ok', suspect: 'pill-warn', gone: 'pill-bad', self: 'pill-self' }[value] || 'pill-muted';
  return h('span', { class: `pill ${cls}`, 'data-state': value }, value);
}

function peersOf(status) {
  return (status && Array.isArray(status.peers)) ? status.peers : [];
}

/** Base URL of a peer's API as the browser should reach it. */
function peerBase(peer) {
  if (!peer.host || !peer.api_port) {
    return null;
  }
  const host = peer.host.includes(':') && !peer.host.startsWith('[') ? `[${peer.host}]` : peer.host;
  return `${location.protocol}//${host}:${peer.api_port}`;
}

function renderNodes() {
  const status = state.status;
  if (!status) {
    return;
  }
  const now = Date.now();
  const ports = status.ports || {};
  const rows = [h('tr', { 'data-node-id': status.node_id, 'data-self': 'true', class: 'self' },
    h('td', {}, h('div', { class: 'node-name' }, status.node_name || '–', h('span', { class: 'tag' }, 'this node')),
      h('div', { class: 'mono dim', title: status.node_id }, shortId(status.node_id))),
    h('td', {}, statePill('self')),
    h('td', { class: 'mono' }, `${location.hostname}:${ports.api ?? '?'}`,
      h('div', { class: 'dim' }, `p2p ${ports.p2p ?? '?'}`, h('br'), `udp ${ports.discovery ?? '?'}`)),
    h('td', {}, '–'), h('td', {}, '–'), h('td', {}, '–'), h('td', {}, '–'),
    h('td', {}, authPill(status.auth_mode)),
    h('td', { class: 'num' }, count(status.counters ? status.counters.rows_applied : null)),
    h('td', {}))];
  for (const peer of peersOf(status)) {
    const remote = state.peers.get(peer.peer_id);
    const remoteAuth = remote && remote.status ? remote.status.auth_mode : null;
    rows.push(h('tr', { 'data-node-id': peer.peer_id, 'data-state': peer.status },
      h('td', {}, h('div', { class: 'node-name' }, peer.name || '(unnamed)',
        peer.origin ? h('span', { class: 'tag' }, peer.origin) : null),
      h('div', { class: 'mono dim', title: peer.peer_id }, shortId(peer.peer_id))),
      h('td', {}, statePill(peer.status),
        peer.connected === false ? h('div', { class: 'dim' }, 'not connected') : null,
        peer.last_error ? h('div', { class: 'error-text', title: peer.last_error }, peer.last_error) : null,
        // A migration under way: columns only one side has (rows still cross).
        (peer.schema_drift || []).length ? h('div', { class: 'warn-text', 'data-drift': peer.schema_drift.join('; '),
          title: peer.schema_drift.join('\n') }, `tables differ: ${peer.schema_drift.join(', ')}`) : null),
      h('td', { class: 'mono' }, `${peer.host}:${peer.api_port}`, h('div', { class: 'dim' }, `p2p ${peer.p2p_port}`)),
      h('td', { title: `last seen ${peer.last_seen || 'never'}, last synced ${peer.last_sync_at || 'never'}` },
        h('span', { 'data-ago': peer.last_seen || '' }, ago(peer.last_seen, now)),
        h('div', { class: 'dim' }, 'synced ', h('span', { 'data-ago': peer.last_sync_at || '' }, ago(peer.last_sync_at, now)))),
      h('td', { class: 'num' }, millis(peer.lag_ms)),
      h('td', { class: `num ${Math.abs(peer.clock_skew_ms || 0) > 1000 ? 'warn-text' : ''}` }, skew(peer.clock_skew_ms)),
      h('td', { class: 'num' }, millis(peer.rtt_ms)),
      h('td', {}, remoteAuth ? authPill(remoteAuth) : h('span', { class: 'dim', title: 'peer API not reachable from this browser' }, '–')),
      h('td', { class: 'num' }, count(peer.rows_applied)),
      h('td', { class: 'row-actions' }, h('button', { class: 'btn btn-small btn-danger', type: 'button',
        'data-action': 'remove-peer', title: `Remove ${peer.name || 'this peer'}`, onclick: () => removePeer(peer) }, '✕'))));
  }
  $('#nodes tbody').replaceChildren(...rows);
  const peers = peersOf(status);
  const active = peers.filter(p => p.status === 'active').length;
  $('#topology-summary').textContent = `${peers.length + 1} nodes · ${active} of ${peers.length} peers active`;
  renderMap(status);
}

/** A star: this node in the middle, peers around it, the link coloured by the peer's state. */
function renderMap(status) {
  const svg = $('#topology-map');
  const ns = 'http://www.w3.org/2000/svg';
  const make = (name, attrs, text) => {
    const node = document.createElementNS(ns, name);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  };
  const peers = peersOf(status);
  // With one peer the pair is centred; with more, this node is the hub in the middle.
  const cx = peers.length === 1 ? 100 : 160;
  const cy = 104;
  const radius = peers.length === 1 ? 85 : 78;
  const links = [];
  const nodes = [];
  peers.forEach((peer, i) => {
    // One peer to the right, two left and right, more around the circle from the top.
    const start = peers.length === 1 ? 0 : Math.PI / peers.length - Math.PI / 2;
    const angle = start + (2 * Math.PI * i) / peers.length;
    const x = cx + radius * 1.45 * Math.cos(angle);
    const y = cy + radius * Math.sin(angle);
    links.push(make('line', { x1: cx, y1: cy, x2: x, y2: y, class: `link link-${peer.status}` }));
    nodes.push(make('circle', { cx: x, cy: y, r: 15, class: `map-node map-${peer.status}` }));
    nodes.push(make('text', { x, y: y + 29, class: 'map-label' }, peer.name || shortId(peer.peer_id)));
  });
  nodes.push(make('circle', { cx, cy, r: 20, class: 'map-node map-self' }));
  nodes.push(make('text', { x: cx, y: cy + 35, class: 'map-label map-label-self' }, status.node_name || 'this node'));
  if (peers.length === 0) {
    nodes.push(make('text', { x: cx, y: 24, class: 'map-label dim' }, 'no peers yet'));
  }
  svg.replaceChildren(...links, ...nodes);
}

// ---------------------------------------------------------------- tables and hashes

function tableNames() {
  const listed = state.status && Array.isArray(state.status.tables) ? state.status.tables.map(t => t.table) : [];
  return listed.length ? listed : DEFAULT_TABLES;
}

async function refreshTables() {
  const names = tableNames();
  const own = Promise.allSettled(names.map(t => get(`${P2P}/table-info/${encodeURIComponent(t)}`)));
  const remote = peersOf(state.status).filter(p => p.status !== 'gone').map(async (peer) => {
    const base = peerBase(peer);
    const entry = { base, status: null, tables: new Map(), error: null };
    if (!base) {
      entry.error = 'no API address';
      return [peer.peer_id, entry];
    }
    try {
      entry.status = await getFrom(base, `${P2P}/status`);
      const infos = await Promise.allSettled(names.map(t => getFrom(base, `${P2P}/table-info/${encodeURIComponent(t)}`)));
      infos.forEach((r, i) => {
        if (r.status === 'fulfilled') {
          entry.tables.set(names[i], r.value);
        }
      });
    } catch (e) {
      entry.error = e.message;
    }
    return [peer.peer_id, entry];
  });
  const results = await own;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      state.tables.set(names[i], r.value);
    }
  });
  state.peers = new Map(await Promise.all(remote));
  renderTables();
  renderNodes();
}

/** Refreshes digests soon after rows moved, at most once per second. */
function scheduleTablesRefresh() {
  if (state.tablesTimer) {
    return;
  }
  state.tablesTimer = setTimeout(async () => {
    try {
      await refreshTables();
    } finally {
      state.tablesTimer = null;
    }
  }, 1000);
}

function renderTables() {
  const status = state.status;
  if (!status) {
    return;
  }
  const peers = peersOf(status).filter(p => p.status !== 'gone');
  const head = [h('th', {}, 'Table'), h('th', { class: 'num' }, 'Rows'),
    h('th', { title: 'table hash on this node' }, `Hash · ${status.node_name || 'this node'}`)];
  for (const peer of peers) {
    head.push(h('th', { title: peer.peer_id }, `Hash · ${peer.name || shortId(peer.peer_id)}`));
  }
  head.push(h('th', {}, 'Consistency'), h('th', {}, 'Last sync'), h('th', { class: 'num' }, 'Rows applied'),
    h('th', { class: 'num' }, 'Rows sent'));
  $('#tables-head').replaceChildren(...head);

  const byName = new Map((status.tables || []).map(t => [t.table, t]));
  let equalTables = 0;
  const names = tableNames();
  const rows = names.map((name) => {
    const own = state.tables.get(name);
    const counters = byName.get(name) || {};
    const cells = [h('td', { class: 'mono' }, name),
      h('td', { class: 'num' }, own ? count(own.row_count) : '…'),
      h('td', { class: 'mono hash' }, own ? hashText(own.hash) : '…')];
    let known = 0;
    let differing = 0;
    for (const peer of peers) {
      const remote = state.peers.get(peer.peer_id);
      const info = remote ? remote.tables.get(name) : null;
      if (!info || !own) {
        cells.push(h('td', { class: 'hash unknown', title: remote && remote.error
          ? `not reachable from this browser: ${remote.error}` : 'not known yet' }, '–'));
        continue;
      }
      known += 1;
      const same = info.hash === own.hash;
      if (!same) {
        differing += 1;
      }
      cells.push(h('td', { class: `mono hash ${same ? 'same' : 'differs'}`, title: `${info.hash} · ${count(info.row_count)} rows` },
        same ? '✓ ' : '≠ ', hashText(info.hash), same ? '' : h('span', { class: 'dim' }, ` (${count(info.row_count)})`)));
    }
    let verdict;
    if (!own) {
      verdict = h('span', { class: 'pill pill-muted' }, '…');
    } else if (peers.length === 0) {
      verdict = h('span', { class: 'pill pill-muted' }, 'no peers');
    } else if (differing > 0) {
      verdict = h('span', { class: 'pill pill-warn', 'data-consistency': 'differs' }, `differs on ${differing}`);
    } else if (known === peers.length) {
      verdict = h('span', { class: 'pill pill-ok', 'data-consistency': 'equal' }, 'equal');
      equalTables += 1;
    } else {
      verdict = h('span', { class: 'pill pill-muted', 'data-consistency': 'partial' }, `equal on ${known}/${peers.length}`);
    }
    const synced = counters.last_applied_at || null;
    cells.push(h('td', {}, verdict),
      h('td', { title: `rows last applied here: ${synced || 'never'}; newest version: ${own && own.latest_version_time ? own.latest_version_time : 'none'}` },
        h('span', { 'data-ago': synced || '' }, ago(synced))),
      h('td', { class: 'num' }, count(counters.rows_applied ?? 0)),
      h('td', { class: 'num' }, count(counters.rows_served ?? 0)));
    return h('tr', { 'data-table': name, 'data-rows': own ? String(own.row_count ?? '') : '' }, ...cells);
  });
  $('#tables tbody').replaceChildren(...rows);
  $('#tables-summary').textContent = peers.length === 0 ? `${names.length} tables`
    : `${equalTables} of ${names.length} tables equal on every node`;
}

function hashText(hash) {
  return hash ? String(hash).slice(0, 10) : '–';
}

// ---------------------------------------------------------------- WebSocket and events

function connect() {
  clearTimeout(state.wsTimer);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // With ADMIN_TOKEN set the node wants it on the socket too; browsers cannot send headers on one.
  const token = adminToken();
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const ws = new WebSocket(`${scheme}://${location.host}${P2P}/ws${query}`);
  state.ws = ws;
  setWsState('connecting');
  let pinger = null;
  ws.addEventListener('open', () => {
    state.wsRetry = 0;
    setWsState('live');
    pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), WS_PING_MS);
  });
  ws.addEventListener('message', (message) => {
    let parsed;
    try {
      parsed = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (parsed.type === 'status' && parsed.data) {
      renderStatus(parsed.data);
    } else if (parsed.type === 'sync_event' && parsed.data) {
      onSyncEvent(parsed.data);
    } else if (parsed.type === 'error') {
      addEvent({ type: 'error', timestamp: new Date().toISOString(), message: parsed.message });
    }
  });
  ws.addEventListener('close', (event) => {
    clearInterval(pinger);
    if (state.status && state.status.admin_token_required && !adminToken()) {
      // Refused for want of the token: wait for it (any admin action asks for it) instead of retrying blindly.
      setWsState('token-needed', 'this node has an ADMIN_TOKEN: live events start once it is given');
      return;
    }
    const wait = Math.min(30000, 1000 * 2 ** state.wsRetry);
    state.wsRetry += 1;
    setWsState('reconnecting', `closed (${event.code}${event.reason ? ': ' + event.reason : ''}); retry in ${wait / 1000}s`);
    state.wsTimer = setTimeout(connect, wait);
  });
}

// A token just given (for a mutating call) opens the socket at once if it was refused without one.
window.addEventListener('peersync-admin-token', () => {
  if (!state.ws || state.ws.readyState === WebSocket.CLOSED) {
    state.wsRetry = 0;
    connect();
  }
});

function setWsState(value, detail) {
  const pill = $('#ws-state');
  pill.dataset.state = value;
  pill.textContent = value;
  pill.title = detail || '';
  pill.className = `pill ${value === 'live' ? 'pill-ok' : value === 'reconnecting' ? 'pill-warn' : 'pill-muted'}`;
}

function onSyncEvent(event) {
  if (event.type === 'join_progress' || event.type === 'catch_up_progress') {
    renderJoin(event);
  }
  if (event.type === 'table_synced') {
    chart.add(Number(event.count) || 0, Date.parse(event.timestamp) || Date.now());
    scheduleTablesRefresh();
  }
  if (event.type === 'peer_up' || event.type === 'peer_down' || event.type === 'peer_suspect') {
    scheduleTablesRefresh();
  }
  addEvent(event);
}

function peerName(id) {
  const peer = peersOf(state.status).find(p => p.peer_id === id);
  return peer ? (peer.name || shortId(id)) : shortId(id);
}

const CONFLICT_NAMES = {
  update_update: 'update vs update', update_delete: 'update vs delete', insert_insert: 'insert vs insert',
  unique_collision: 'unique collision', fk_orphan: 'orphan (parent deleted)', clock_skew: 'clock skew'
};

function conflictName(type) {
  return CONFLICT_NAMES[type] || 'conflict';
}

function describe(event) {
  switch (event.type) {
    case 'table_synced':
      return `${count(event.count)} row${event.count === 1 ? '' : 's'} of ${event.table} applied from ${peerName(event.peer)}`;
    case 'conflict_resolved':
      return `${conflictName(event.conflict_type)} on ${event.table} ${event.pk}: ${(event.resolution || 'resolved').replace('_', ' ')} (kept ${shortId(event.winner && event.winner.node_id)}'s version over ${shortId(event.loser && event.loser.node_id)}'s)`;
    case 'conflicts_logged':
      return `${count(event.count)} ${conflictName(event.conflict_type)} conflict${event.count === 1 ? '' : 's'} on ${event.table} in the conflict log`;
    case 'row_parked':
      return `${event.table} ${event.pk} parked (from ${peerName(event.peer)}): ${event.reason}`;
    case 'row_expired':
      return `${event.table} ${event.pk} dropped from the parked rows (too many from ${peerName(event.peer)}): ${event.reason}`;
    case 'row_unparked':
      return `${event.table} ${event.pk} applied after waiting for its parent`;
    case 'peer_up':
    case 'peer_suspect':
    case 'peer_down':
      return `${event.name || shortId(event.peer_id)} (${event.host}:${event.api_port}) ${event.previous} → ${event.state}`;
    case 'clock_skew':
      return `${peerName(event.peer)}'s clock is ${millis(event.ahead_ms)} ahead: ${event.action}`;
    case 'sync_round':
      return `round with ${peerName(event.peer)}: ${count(event.rows_applied)} rows in ${event.batches} batch${event.batches === 1 ? '' : 'es'}, ${millis(event.duration_ms)}${event.error ? ` — ${event.error}` : ''}`;
    case 'catch_up_progress':
      return `catching up with ${peerName(event.peer)}: ${count(event.rows_loaded)} of ${count(event.rows_total)} rows${event.done ? ', done' : ''}`;
    case 'join_progress':
      return `snapshot join from ${peerName(event.peer)}: ${count(event.rows_loaded)} of ${count(event.rows_total)} rows${event.done ? ', done' : ''}`;
    case 'error':
      return event.message;
    default:
      return JSON.stringify(event);
  }
}

function eventTone(event) {
  if (event.type === 'error' || event.type === 'peer_down' || event.type === 'row_parked' || event.type === 'row_expired'
    || (event.type === 'sync_round' && event.error)) {
    return 'bad';
  }
  if (event.type === 'peer_suspect' || event.type === 'conflict_resolved' || event.type === 'clock_skew') {
    return 'warn';
  }
  return event.type === 'table_synced' || event.type === 'peer_up' || event.type === 'row_unparked' ? 'ok' : 'muted';
}

function isQuiet(event) {
  return event.type === 'sync_round' && !event.error && !event.rows_applied;
}

function addEvent(event) {
  const list = $('#events');
  const item = h('li', { 'data-type': event.type, class: `event tone-${eventTone(event)}${isQuiet(event) ? ' quiet' : ''}` },
    h('time', { datetime: event.timestamp || '' }, clock(event.timestamp)),
    h('span', { class: 'event-type' }, event.type),
    h('span', { class: 'event-text' }, describe(event)));
  list.prepend(item);
  while (list.children.length > MAX_EVENTS) {
    list.lastElementChild.remove();
  }
  list.dataset.count = String(Number(list.dataset.count) + 1);
  $('#events-empty').hidden = true;
}

// ---------------------------------------------------------------- actions

function showFeedback(kind, text) {
  const box = $('#feedback');
  box.dataset.state = kind;
  box.className = `feedback feedback-${kind}`;
  box.textContent = text;
  box.hidden = false;
  clearTimeout(showFeedback.timer);
  if (kind !== 'pending') {
    showFeedback.timer = setTimeout(() => { box.hidden = true; }, 12000);
  }
}

/** Opens the token dialog; resolves to the token, or null when cancelled. */
function askToken(reason) {
  const dialog = $('#token-dialog');
  if (dialog.open) {
    // Another action is already asking: this one goes without a token (and reports the 401).
    return Promise.resolve(null);
  }
  $('#token-reason').textContent = reason;
  const input = $('#token-input');
  input.value = adminToken();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'ok' && input.value.trim()) {
        resolve(input.value.trim());
      } else {
        if (dialog.returnValue === 'clear') {
          setAdminToken('');
        }
        resolve(null);
      }
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
}

async function action(button, pendingText, run, done) {
  if (button) {
    button.disabled = true;
  }
  showFeedback('pending', pendingText);
  try {
    const result = await run();
    showFeedback('ok', done(result));
    loadStatus();
    scheduleTablesRefresh();
  } catch (e) {
    showFeedback('error', e instanceof ApiError && e.code !== 'cancelled' ? `${e.message} (${e.status || 'network'})` : e.message);
  } finally {
    if (button) {
      button.disabled = false;
    }
  }
}

function triggerSync() {
  const button = $('#trigger-sync');
  return action(button, 'Triggering sync…', () => mutate('POST', `${P2P}/sync/trigger`, undefined, askToken),
    r => `Sync triggered with ${r && r.peers !== undefined ? r.peers : '?'} reachable peer${r && r.peers === 1 ? '' : 's'}`);
}

function refreshDiscovery() {
  return action($('#refresh-discovery'), 'Refreshing discovery…',
    () => mutate('POST', `${P2P}/discovery/refresh`, undefined, askToken),
    r => `Discovery refreshed: ${r && r.peers !== undefined ? r.peers : '?'} known peers`);
}

function addPeer(event) {
  event.preventDefault();
  const form = event.target;
  const data = new FormData(form);
  const body = { host: String(data.get('host')).trim(), port: Number(data.get('port')) };
  if (String(data.get('p2p_port') || '').trim()) {
    body.p2p_port = Number(data.get('p2p_port'));
  }
  if (String(data.get('peer_id') || '').trim()) {
    body.peer_id = String(data.get('peer_id')).trim();
  }
  return action(form.querySelector('button'), `Adding ${body.host}:${body.port}…`,
    () => mutate('POST', `${P2P}/peers`, body, askToken),
    (r) => {
      form.reset();
      return `Peer ${r && r.name ? r.name : body.host} added (${body.host}:${body.port})`;
    });
}

function removePeer(peer) {
  if (!confirm(`Remove peer ${peer.name || peer.peer_id} (${peer.host}:${peer.api_port})?`)) {
    return undefined;
  }
  return action(null, `Removing ${peer.name || peer.peer_id}…`,
    () => mutate('DELETE', `${P2P}/peers/${encodeURIComponent(peer.peer_id)}`, undefined, askToken),
    () => `Peer ${peer.name || peer.peer_id} removed`);
}

// ---------------------------------------------------------------- start

function tick() {
  const now = Date.now();
  renderUptime();
  chart.draw();
  document.querySelectorAll('[data-ago]').forEach((cell) => {
    if (cell.dataset.ago) {
      cell.textContent = ago(cell.dataset.ago, now);
    }
  });
}

$('#trigger-sync').addEventListener('click', triggerSync);
$('#refresh-discovery').addEventListener('click', refreshDiscovery);
$('#add-peer').addEventListener('submit', addPeer);
$('#admin-token').addEventListener('click', async () => {
  const token = await askToken('Admin token for trigger sync, peers and discovery (only when the node has ADMIN_TOKEN).');
  if (token) {
    setAdminToken(token);
    showFeedback('ok', 'Admin token kept for this tab');
  }
});
$('#hide-rounds').addEventListener('change', (e) => {
  $('#events').classList.toggle('hide-quiet', e.target.checked);
});
$('#events').classList.toggle('hide-quiet', $('#hide-rounds').checked);

chart.draw();
await loadStatus();
connect();
refreshTables();
setInterval(tick, 1000);
setInterval(loadStatus, STATUS_POLL_MS);
setInterval(refreshTables, TABLES_POLL_MS);
document.body.dataset.ready = 'true';
