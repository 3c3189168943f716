/*
 * kv operator dashboard: a dependency-free single-page app over the admin backend's /api/* endpoints.
 * Every piece of server data reaches the DOM through textContent or attributes, never innerHTML, so a key or
 * value can never inject markup.
 */
'use strict';

// ==== DOM and formatting helpers ====================================================================================

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds an element; `text` always goes through textContent. Children may be nodes, strings, arrays or null. */
const el = (tag, props = {}, ...children) => build(document.createElement(tag), props, children);
const svgEl = (tag, props = {}, ...children) => build(document.createElementNS(SVG_NS, tag), props, children);

function build(node, props, children) {
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'class') node.setAttribute('class', value);
    else if (name === 'data') Object.assign(node.dataset, value);
    else if (name === 'style') Object.assign(node.style, value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

const setText = (id, value) => { $(id).textContent = value === undefined || value === null ? '–' : String(value); };

const numberFormat = new Intl.NumberFormat();
const fmtNumber = (n) => (typeof n === 'number' && Number.isFinite(n) ? numberFormat.format(n) : '–');

function fmtBytes(bytes) {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes, unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Human duration for uptimes: the two most significant units are enough to read at a glance. */
function fmtDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

const fmtMillis = (ms) => (typeof ms !== 'number' ? '–' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

function fmtAgo(epochMs) {
  if (!epochMs) return '–';
  const s = Math.round((Date.now() - epochMs) / 1000);
  if (s < 1) return 'just now';
  if (s < 60) return `${s} s ago`;
  return s < 3600 ? `${Math.floor(s / 60)} min ago` : s < 86400 ? `${Math.floor(s / 3600)} h ago` : `${Math.floor(s / 86400)} d ago`;
}

const fmtTime = (epochMs) => (epochMs ? new Date(epochMs).toLocaleString() : '–');
const fmtIso = (iso, none) => (iso ? fmtTime(Date.parse(iso)) : none);
const fmtPercent = (fraction) => (typeof fraction === 'number' ? `${(fraction * 100).toFixed(1)} %` : '–');
const shortHex = (hex, n = 8) => (hex ? (hex.length > n ? hex.slice(0, n) : hex) : '–');

/** A stable colour per hash, so equal digests/roots look equal without reading the hex. */
function hashColor(hex) {
  if (!hex) return 'transparent';
  const hue = parseInt(hex.slice(0, 6), 16) % 360;
  return `hsl(${Number.isNaN(hue) ? 0 : hue} 75% 60%)`;
}

const hashChip = (hex, title) => el('span', { class: 'hash', text: shortHex(hex), title: title || hex || '',
  style: { borderLeftColor: hashColor(hex) } });
const statusDot = (status) => el('span', { class: `dot st-${status || 'unknown'}`, 'aria-hidden': 'true' });

// ==== Node colours: one per node, shared by the ring, lookups and replica cards =====================================

const PALETTE = ['#38bdf8', '#a78bfa', '#f472b6', '#2dd4bf', '#fb923c', '#facc15', '#818cf8', '#4ade80', '#e879f9', '#94a3b8'];
const knownNodes = new Set();

/** Colours follow the sorted node ids, so every view (and every reload) agrees on them. */
function nodeColor(id) {
  knownNodes.add(id);
  const index = [...knownNodes].sort().indexOf(id);
  return index < PALETTE.length ? PALETTE[index] : `hsl(${(index * 137.5) % 360} 70% 60%)`;
}

const swatch = (id) => el('span', { class: 'swatch', style: { background: nodeColor(id) }, 'aria-hidden': 'true' });

// ==== API access ====================================================================================================

/** A failed call, already reduced to what a human should read (an RFC 9457 problem's title and detail). */
class ApiError extends Error {
  constructor(title, detail, status) {
    super(detail ? `${title}: ${detail}` : title);
    Object.assign(this, { title, detail, status });
  }
}

const REQUEST_TIMEOUT_MS = 10000;

// With a login configured, changes must carry the CSRF token the backend put in the XSRF-TOKEN cookie (another
// site can make the browser send the login, but cannot read the cookie).
function withCsrf(method, headers) {
  if (method === 'GET') return headers;
  const cookie = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
  if (!cookie) return headers;
  return { ...(headers || {}), 'X-XSRF-TOKEN': decodeURIComponent(cookie.slice('XSRF-TOKEN='.length)) };
}

async function api(method, url, { body, headers } = {}) {
  // A hung backend must not freeze a poller forever.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, { method, body, headers: withCsrf(method, headers), signal: abort.signal, cache: 'no-store' });
  } catch (e) {
    const timedOut = e && e.name === 'AbortError';
    throw new ApiError(timedOut ? 'Request timed out' : 'Dashboard unreachable',
      timedOut ? `${method} ${url} took longer than ${REQUEST_TIMEOUT_MS / 1000} s` : 'The admin backend did not answer. Is it running?', 0);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: handled below */ }
  if (!response.ok) {
    const title = (json && json.title) || `HTTP ${response.status} ${response.statusText || ''}`.trim();
    const detail = (json && json.detail) || (json ? '' : text.slice(0, 200));
    throw new ApiError(title, detail, response.status);
  }
  if (text && json === null) throw new ApiError('Unexpected answer', `${url} did not answer JSON`, response.status);
  return json;
}

/** Repeats an async task with a pause between runs (never overlapping, so a slow backend is not piled on). */
class Poller {
  constructor(task, intervalMs) {
    Object.assign(this, { task, intervalMs, running: false, inFlight: false, again: false, timer: null });
  }

  start() { if (!this.running) { this.running = true; this.tick(); } }

  stop() { this.running = false; clearTimeout(this.timer); }

  /** Runs the task as soon as possible: after the one in flight, whose answer may predate what just changed. */
  now() {
    if (!this.running) return;
    if (this.inFlight) this.again = true;
    else { clearTimeout(this.timer); this.tick(); }
  }

  async tick() {
    this.inFlight = true;
    try { await this.task(); } catch (e) { console.error(e); }
    this.inFlight = false;
    clearTimeout(this.timer);
    if (!this.running) return;
    const delay = this.again ? 0 : this.intervalMs;
    this.again = false;
    this.timer = setTimeout(() => this.tick(), delay);
  }
}

// ==== Shared state ==================================================================================================

const state = {
  cluster: null,        // last good /api/cluster answer
  clusterAt: 0,         // when it was received
  ring: null,           // last good /api/ring answer
  selectedNode: null,   // node shown in the ring's detail panel
  lookup: null,         // last successful /api/lookup answer, redrawn on the ring after each reload
  repair: null,         // last good /api/repair answer
  started: null,        // POST /api/repair answer, shown until the GET catches up
  context: null,        // X-KV-Context of the last read, sent back on put/delete
  contextKey: null,     // the key that context belongs to
  traffic: null,        // last /api/traffic answer, for the cards and the error table
  trafficSamples: [],   // up to TRAFFIC_SAMPLES answers with an interval, oldest first, for the charts
  trafficOps: ['get', 'put', 'delete'], // operations seen, in colour order
  linksLoaded: false,
};

const memberById = (id) => state.cluster?.members.find((m) => m.id === id);

// ==== Member states (elasticity): joining, normal, leaving, left, removed, waiting =================================

/** What each membership state means; a gateway that sends no state (older than issue 12) means normal. */
const MEMBER_STATES = {
  normal: 'Owns its ranges and serves them',
  joining: 'Receiving the ranges it will own; not serving reads yet',
  leaving: 'Handing its ranges to their new owners (decommission)',
  waiting: 'Started, queued behind another membership change',
  left: 'Decommissioned: owns nothing, no longer serves',
  removed: 'Declared dead and removed: its ranges were rebuilt from the other replicas',
};

const memberState = (m) => (m && Object.prototype.hasOwnProperty.call(MEMBER_STATES, m.state) ? m.state : 'normal');

/** Left and removed members count nowhere: not in health, totals or the ring legend. */
const isFormer = (m) => ['left', 'removed'].includes(memberState(m));
const currentMembers = (cluster) => (cluster?.members || []).filter((m) => !isFormer(m));

function stateBadge(m) {
  const s = memberState(m);
  // A waiting node says why (another change under way, no seed answered yet): show it on hover.
  const title = s === 'waiting' && typeof m.waiting === 'string' ? `${MEMBER_STATES[s]}: ${m.waiting}` : MEMBER_STATES[s];
  return el('span', { class: `badge state-badge state-${s}`, 'data-state': s, title, text: s });
}

const mbFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const isNumber = (n) => typeof n === 'number' && Number.isFinite(n);
/** Streaming figures in decimal megabytes, as the benchmarks quote them (MB/s). */
const fmtMB = (bytes) => (isNumber(bytes) ? `${mbFormat.format(bytes / 1e6)} MB` : '–');
const fmtMBps = (rate) => (isNumber(rate) ? `${mbFormat.format(rate / 1e6)} MB/s` : '–');
const fmtEta = (seconds) => (isNumber(seconds) ? fmtDuration(seconds * 1000) : 'unknown');

/** Ranges done of total, clamped, and the share done in per cent (0 while the total is not known yet). */
function rangesProgress(progress) {
  const total = isNumber(progress.rangesTotal) && progress.rangesTotal > 0 ? progress.rangesTotal : 0;
  const done = isNumber(progress.rangesDone) ? Math.max(0, Math.min(progress.rangesDone, total)) : 0;
  return { total, done, pct: total ? (100 * done) / total : 0 };
}

/** Sets a .bar (role=progressbar) to ranges done of total: its ARIA values and its fill's width. */
function setRangesBar(bar, { total, done, pct }) {
  bar.classList.toggle('done', total > 0 && done >= total);
  bar.setAttribute('aria-valuemax', total);
  bar.setAttribute('aria-valuenow', done);
  bar.setAttribute('aria-valuetext', `${done} of ${total} ranges`);
  bar.firstElementChild.style.width = `${pct.toFixed(1)}%`;
  return bar;
}

const rangesBar = (progress, extraClass) => setRangesBar(el('div', { class: `bar ${extraClass}`, role: 'progressbar',
  'aria-valuemin': 0 }, el('span')), rangesProgress(progress));

const STREAM_PHASES = { 'waiting-for-sources': 'waiting for sources', done: 'all streamed' };

/** A member's own streaming (it is receiving ranges): a small bar and one line of figures. */
function streamingBlock(streaming) {
  if (!streaming || typeof streaming !== 'object') return null;
  const { total, done } = rangesProgress(streaming);
  const figures = [`${done} / ${total} ranges`];
  if (streaming.phase === 'done' || streaming.phase === 'waiting-for-sources') figures.push(STREAM_PHASES[streaming.phase]);
  else figures.push(fmtMBps(streaming.bytesPerSecond), `ETA ${fmtEta(streaming.etaSeconds)}`);
  return el('div', { class: 'streaming', title: `${fmtNumber(streaming.keys)} keys, ${fmtMB(streaming.bytes)} received` },
    rangesBar(streaming, 'bar-small'), el('span', { class: 'streaming-text muted small', text: figures.join(' · ') }));
}

// ==== Header: health badge, last update, links ======================================================================

/** Healthy only when every member is alive; a down node is red because its replicas now rely on hints. */
function renderHealth(cluster) {
  let text = 'unreachable', tone = 'bad';
  if (cluster) {
    const members = currentMembers(cluster);
    const alive = members.filter((m) => m.status === 'alive').length;
    const down = members.filter((m) => m.status === 'down').length;
    if (members.length && alive === members.length) [text, tone] = ['healthy', 'ok'];
    else if (alive === 0) text = 'no node alive';
    else [text, tone] = down ? [`degraded · ${down} down`, 'bad'] : ['degraded', 'warn'];
  }
  $('health').className = `badge badge-${tone}`;
  $('health').replaceChildren(el('span', { class: 'dot', style: { background: 'currentColor' } }), text);
}

/** The ring epoch and topology version, when the gateway reports them (issue 12 and later). */
function renderTopology(cluster) {
  const topology = $('topology');
  const parts = [];
  if (isNumber(cluster.epoch)) parts.push(`epoch ${cluster.epoch}`);
  if (typeof cluster.topologyVersion === 'string' && cluster.topologyVersion) parts.push(`topology ${cluster.topologyVersion}`);
  topology.textContent = parts.join(' · ');
  topology.hidden = !parts.length;
}

function renderUpdated(failed) {
  const updated = $('updated');
  if (!state.clusterAt) { updated.textContent = failed ? 'no data yet' : 'connecting…'; return; }
  const time = new Date(state.clusterAt).toLocaleTimeString();
  updated.textContent = failed ? `last update ${time} · retrying` : `updated ${time}`;
  updated.title = state.cluster && state.cluster.refreshedAt
    ? `gateway view refreshed at ${fmtTime(state.cluster.refreshedAt)}` : '';
}

async function loadLinks() {
  try {
    const links = await api('GET', '/api/links');
    const ids = { swaggerUi: 'link-swagger', gatewayMetrics: 'link-gateway-metrics', dashboardMetrics: 'link-dashboard-metrics' };
    // Only web links: a javascript: URL from a confused backend must not become clickable.
    for (const [name, id] of Object.entries(ids)) if (/^(https?:\/\/|\/)/i.test(links[name] || '')) $(id).href = links[name];
    state.linksLoaded = true;
  } catch {
    // Retried after the next successful cluster poll; the links are not worth a banner.
  }
}

// ==== Overview ======================================================================================================

async function pollCluster() {
  try {
    const cluster = await api('GET', '/api/cluster');
    cluster.members = cluster.members || [];
    state.cluster = cluster;
    state.clusterAt = Date.now();
    for (const m of cluster.members) nodeColor(m.id);
    hideClusterError();
    renderOverview(cluster);
    renderTransition(cluster.transition);
    renderTopology(cluster);
    renderHealth(cluster);
    renderUpdated(false);
    if (currentView === 'ring') { renderLegend(); renderNodeDetail(); }
    if (!state.linksLoaded) loadLinks();
  } catch (e) {
    showClusterError(e);
    renderHealth(null);
    renderUpdated(true);
  }
}

function showClusterError(e) {
  const banner = $('error');
  banner.querySelector('.banner-title').textContent = e.title || 'Cluster view unavailable';
  banner.querySelector('.banner-detail').textContent = e.detail || '';
  banner.hidden = false;
  setClusterStale(true); // keep the last data on screen, visibly no longer current
  if (!state.cluster) setEmptyRow($('members'), MEMBER_COLUMNS, 'No cluster data yet.');
}

function hideClusterError() {
  $('error').hidden = true;
  setClusterStale(false);
}

function setClusterStale(stale) {
  ['overview-cards', 'transition', 'members-table', 'ring-legend', 'node-detail'].forEach((id) => $(id).classList.toggle('stale', stale));
}

const MEMBER_COLUMNS = 11;

function renderOverview(cluster) {
  const all = cluster.members || [];
  const members = currentMembers(cluster);
  const former = all.filter(isFormer);
  const alive = members.filter((m) => m.status === 'alive').length;
  setText('nodes-up', `${alive} / ${members.length}`);
  setText('replication', `N = ${cluster.replicationFactor}`);
  setText('virtual-nodes', `${cluster.virtualNodes} virtual nodes each`);
  setText('conflict-mode', cluster.conflictMode);
  setText('default-consistency', cluster.defaultConsistency);
  setText('observer', cluster.observer ? `liveness as judged by ${cluster.observer}` : '');

  const withInfo = members.filter((m) => m.info && typeof m.info.keys === 'number');
  setText('total-keys', withInfo.length ? fmtNumber(withInfo.reduce((sum, m) => sum + m.info.keys, 0)) : '–');
  const withHints = members.filter((m) => m.hints && typeof m.hints.pending === 'number');
  setText('total-hints', withHints.length ? fmtNumber(withHints.reduce((sum, m) => sum + m.hints.pending, 0)) : '–');
  const hintBytes = withHints.reduce((sum, m) => sum + (m.hints.bytes || 0), 0);
  const hintErrors = members.filter((m) => m.hints && m.hints.error).length;
  setText('hint-bytes', `${fmtBytes(hintBytes)}${hintErrors ? ` · ${hintErrors} node(s) not counted` : ''}`);

  // Former members (left, removed) last, dimmed, under a row of their own until gossip forgets them.
  const rows = members.map(memberRow);
  if (former.length) {
    rows.push(el('tr', { class: 'group-row' }, el('td', { colspan: MEMBER_COLUMNS,
      text: `Former members (${former.length}): they own nothing and are forgotten after the quarantine` })));
    rows.push(...former.map(memberRow));
  }
  if (rows.length) $('members').replaceChildren(...rows);
  else setEmptyRow($('members'), MEMBER_COLUMNS, 'The gateway knows no members.');
}

function memberRow(m) {
  const info = m.info || {};
  const status = m.status || 'unknown';
  const num = (text) => el('td', { class: 'num', text });
  const memberStateName = memberState(m);
  return el('tr', { 'data-node': m.id, 'data-state': memberStateName,
    class: `row-${status} row-state-${memberStateName}${isFormer(m) ? ' row-former' : ''}` },
    el('td', { title: m.url || '' }, el('span', { class: 'node-name', text: m.id }),
      m.announced && m.announced !== 'normal' ? el('span', { class: 'tag tag-warn', text: m.announced }) : null),
    el('td', { class: `node-status st-${status}`, data: { status } }, statusDot(status), status),
    el('td', { class: 'member-state' }, stateBadge(m), streamingBlock(m.streaming)),
    num(fmtPhi(m.phi)), el('td', {}, breakerTag(m.circuitBreaker)), num(fmtPercent(m.ownership)),
    num(fmtNumber(info.keys)), num(fmtBytes(info.diskBytes)), hintsCell(m.hints),
    el('td', { text: fmtGeneration(m.generation), title: `generation ${m.generation}` }),
    el('td', { class: 'num', text: fmtDuration(info.uptimeMs) }));
}

const fmtPhi = (phi) => (typeof phi === 'number' ? (Number.isFinite(phi) ? phi.toFixed(2) : '∞') : '–');

/** Generations are process start times in epoch millis; anything smaller is shown raw. */
const fmtGeneration = (g) => (typeof g === 'number' && g > 1e11 ? fmtTime(g) : g ? String(g) : '–');

function breakerTag(breaker) {
  const tone = breaker === 'closed' ? 'ok' : breaker === 'open' ? 'bad' : breaker === 'half_open' ? 'warn' : '';
  return el('span', { class: `tag ${tone ? `tag-${tone}` : ''}`, text: breaker ? breaker.replace('_', '-') : '–' });
}

function hintsCell(hints) {
  if (!hints) return el('td', { text: '–' });
  if (hints.error) return el('td', { class: 'error-cell', text: hints.error });
  const targets = Object.entries(hints.pendingByTarget || {}).filter(([, n]) => n > 0);
  const cell = el('td', {}, `${fmtNumber(hints.pending)} (${fmtBytes(hints.bytes)})`);
  if (targets.length) {
    cell.append(el('span', { class: 'muted small', text: ` → ${targets.map(([t, n]) => `${t}: ${n}`).join(', ')}` }));
  }
  return cell;
}

// ==== Membership change: the one join, decommission or removal in progress ========================================

const TRANSITION_KINDS = { join: 'joining', decommission: 'decommissioning', remove: 'removing' };

function renderTransition(transition) {
  const panel = $('transition');
  if (!transition || typeof transition !== 'object') { panel.hidden = true; return; }
  const kind = typeof transition.kind === 'string' ? transition.kind : 'change';
  const badge = $('transition-kind');
  badge.className = `badge transition-kind transition-${TRANSITION_KINDS[kind] ? kind : 'other'}`;
  badge.textContent = `${kind} · ${transition.member ?? '?'}`;
  badge.title = `${TRANSITION_KINDS[kind] || kind} ${transition.member ?? ''}`.trim();
  const progress = rangesProgress(transition);
  const { total, done, pct } = progress;
  setRangesBar($('transition-bar'), progress);
  $('transition-ranges').textContent = total
    ? `${done} / ${total} ranges · ${Math.floor(pct)} %` : 'planning the ranges to move…';
  setText('transition-keys', fmtNumber(transition.keys));
  setText('transition-bytes', fmtMB(transition.bytes));
  setText('transition-rate', fmtMBps(transition.bytesPerSecond));
  setText('transition-eta', total && done >= total ? 'finishing' : fmtEta(transition.etaSeconds));
  const queued = (state.cluster?.members || []).filter((m) => memberState(m) === 'waiting').map((m) => m.id);
  $('transition-queue').textContent = queued.length ? `Waiting for their turn: ${queued.join(', ')}` : '';
  $('transition-queue').hidden = !queued.length;
  panel.hidden = false;
}

// ==== Ring ==========================================================================================================

const TWO_64 = 1n << 64n;
const RING = { cx: 200, cy: 200, r: 150, width: 34 };

/** BigInt keeps all 64 bits; scaling before dividing keeps 1e-5 degree precision in a Number. */
const tokenAngle = (token) => Number((BigInt(token) * 36000000n) / TWO_64) / 100000;

function pointAt(angle, radius) {
  const rad = ((angle - 90) * Math.PI) / 180; // 0 at the top, clockwise
  return [RING.cx + radius * Math.cos(rad), RING.cy + radius * Math.sin(rad)];
}

function arcPath(from, to, radius) {
  const [x0, y0] = pointAt(from, radius);
  const [x1, y1] = pointAt(to, radius);
  const large = to - from > 180 ? 1 : 0;
  return `M${x0.toFixed(2)} ${y0.toFixed(2)}A${radius} ${radius} 0 ${large} 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
}

async function pollRing() {
  try {
    state.ring = await api('GET', '/api/ring');
    $('ring-error').hidden = true;
    $('ring').classList.remove('stale');
    drawRing(); renderLegend(); renderNodeDetail();
  } catch (e) {
    showInlineError('ring-error', e);
    if (state.ring) $('ring').classList.add('stale');
    else $('ring-caption').textContent = 'The ring could not be loaded.';
  }
}

function showInlineError(id, e) {
  const banner = $(id);
  banner.replaceChildren(el('strong', { text: e.title || 'Error' }), e.detail || '');
  banner.hidden = false;
}

/**
 * A token owns the range (previous token, token] (see TokenRing), so each arc runs from the previous token up
 * to its own, coloured by the token's owner: a key's marker then lands on its coordinator's colour.
 */
function drawRing() {
  const svg = $('ring');
  const tokens = state.ring?.tokens || [];
  const groups = new Map();
  const angles = tokens.map((t) => tokenAngle(t.token));
  tokens.forEach((t, i) => {
    if (!groups.has(t.owner)) {
      groups.set(t.owner, svgEl('g', { class: 'ring-node', 'data-node': t.owner }, svgEl('title', { text: t.owner })));
    }
    const props = { fill: 'none', stroke: nodeColor(t.owner), 'stroke-width': RING.width, 'data-token': t.token };
    const from = i === 0 ? angles[angles.length - 1] - 360 : angles[i - 1];
    groups.get(t.owner).append(tokens.length === 1 // a lone token owns the whole circle
      ? svgEl('circle', { ...props, cx: RING.cx, cy: RING.cy, r: RING.r })
      : svgEl('path', { ...props, d: arcPath(from, angles[i], RING.r) }));
  });
  for (const [id, group] of groups) group.addEventListener('click', () => selectNode(id));

  const owners = [...groups.keys()];
  svg.replaceChildren(
    svgEl('circle', { class: 'ring-base', cx: RING.cx, cy: RING.cy, r: RING.r, 'stroke-width': RING.width + 2 }),
    ...groups.values(),
    svgEl('line', { x1: RING.cx, y1: RING.cy - RING.r - 24, x2: RING.cx, y2: RING.cy - RING.r + 24, stroke: '#8b9bb4', 'stroke-dasharray': '2 2' }),
    svgEl('text', { x: RING.cx + 4, y: RING.cy - RING.r - 26, fill: '#8b9bb4', 'font-size': 10, text: '0 / 2⁶⁴' }),
    svgEl('text', { class: 'ring-center', x: RING.cx, y: RING.cy - 4, 'text-anchor': 'middle',
      text: tokens.length ? `${fmtNumber(tokens.length)} tokens` : 'Ring is empty' }),
    svgEl('text', { class: 'ring-center-sub', x: RING.cx, y: RING.cy + 14, 'text-anchor': 'middle',
      text: tokens.length ? `${owners.length} nodes` : '' }));
  svg.classList.toggle('has-selection', Boolean(state.selectedNode));
  markSelected();
  if (state.lookup) drawMarker(state.lookup);
  $('ring-caption').textContent = tokens.length
    ? 'Each arc is the range a virtual node owns. Click a node or its arcs for details.' : 'The ring has no tokens.';
}

/** Ring share from the tokens, for nodes the cluster view does not (yet) report. */
function ringShares() {
  const tokens = state.ring?.tokens || [];
  const shares = new Map();
  tokens.forEach((t, i) => {
    const prev = BigInt(tokens[(i - 1 + tokens.length) % tokens.length].token);
    let width = (BigInt(t.token) - prev + TWO_64) % TWO_64;
    if (tokens.length === 1) width = TWO_64;
    shares.set(t.owner, (shares.get(t.owner) || 0) + Number((width * 1000000n) / TWO_64) / 1000000);
  });
  return shares;
}

function legendNodes() {
  const ids = new Set((state.ring?.tokens || []).map((t) => t.owner));
  currentMembers(state.cluster).forEach((m) => ids.add(m.id));
  return [...ids].sort();
}

function renderLegend() {
  const shares = ringShares();
  const items = legendNodes().map((id) => {
    const member = memberById(id);
    const share = member ? member.ownership : shares.get(id);
    const status = member ? member.status : 'unknown';
    return el('li', { 'data-node': id, tabindex: 0, role: 'button', title: `${id}: ${status}`,
      onclick: () => selectNode(id), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') selectNode(id); } },
    swatch(id), el('span', { class: 'node-name', text: id }), statusDot(status),
    member && memberState(member) !== 'normal' ? stateBadge(member) : null,
    el('span', { class: 'share', text: fmtPercent(share) }));
  });
  $('ring-legend').replaceChildren(...(items.length ? items : [el('li', { class: 'empty-state', text: 'No nodes yet.' })]));
  markSelected();
}

/** Clicking always selects (never toggles), so a second click on the same node keeps its details open. */
function selectNode(id) {
  state.selectedNode = id;
  $('ring').classList.toggle('has-selection', Boolean(state.selectedNode));
  markSelected();
  renderNodeDetail();
}

function markSelected() {
  document.querySelectorAll('#ring .ring-node, #ring-legend li').forEach((node) => {
    node.classList.toggle('selected', node.dataset.node === state.selectedNode);
  });
}

function renderNodeDetail() {
  const panel = $('node-detail');
  const id = state.selectedNode;
  if (!id) { panel.hidden = true; return; }
  const m = memberById(id);
  const tokenCount = (state.ring?.tokens || []).filter((t) => t.owner === id).length;
  const close = el('button', { type: 'button', class: 'btn btn-small', text: 'close', onclick: () => selectNode(null) });
  const head = el('div', { class: 'panel-head' }, el('h3', {}, swatch(id), ` ${id}`), close);
  panel.hidden = false;
  if (!m) { panel.replaceChildren(head, el('p', { class: 'muted', text: 'The cluster view has no data for this node.' })); return; }
  const info = m.info || {};
  const hints = !m.hints ? '–' : m.hints.error ? m.hints.error : `${fmtNumber(m.hints.pending)} (${fmtBytes(m.hints.bytes)})`;
  panel.replaceChildren(head, definitionList([
    ['Status', el('span', { class: `node-status st-${m.status}` }, statusDot(m.status), m.status)],
    ['State', el('span', {}, stateBadge(m), streamingBlock(m.streaming))],
    ['Announced', m.announced || '–'], ['Phi', fmtPhi(m.phi)], ['Circuit breaker', breakerTag(m.circuitBreaker)],
    ['Ring share', fmtPercent(m.ownership)], ['Tokens', fmtNumber(tokenCount)], ['Keys', fmtNumber(info.keys)],
    ['Disk', fmtBytes(info.diskBytes)], ['Pending hints', hints], ['Started', fmtGeneration(m.generation)],
    ['Uptime', fmtDuration(info.uptimeMs)], ['Actor', info.actor || '–'], ['Address', m.url || '–'],
  ]));
}

function definitionList(rows) {
  return el('dl', { class: 'kv-list' }, rows.flatMap(([label, value]) => [el('dt', { text: label }),
    value instanceof Node ? el('dd', {}, value) : el('dd', { text: value })]));
}

async function lookupKey(event) {
  event.preventDefault();
  const key = $('lookup-key').value;
  const result = $('lookup-result');
  result.classList.remove('error', 'muted');
  if (!key) { result.textContent = 'Enter a key first.'; return; }
  $('lookup-go').disabled = true;
  result.textContent = 'Looking up…';
  try {
    const answer = await api('GET', `/api/lookup?key=${encodeURIComponent(key)}`);
    state.lookup = answer;
    const list = answer.preferenceList || [];
    result.replaceChildren(...list.flatMap((node, i) => [i ? ' ' : null,
      el('span', { class: 'chip', 'data-node': node }, swatch(node), `${i + 1}. ${node}${i === 0 ? ' (coordinator)' : ''}`)])
      .filter(Boolean));
    if (!list.length) result.textContent = 'No replicas: the ring is empty.';
    $('lookup-token').textContent = `token ${answer.token} · ${tokenAngle(answer.token).toFixed(2)}°`;
    drawMarker(answer);
  } catch (e) {
    state.lookup = null;
    removeMarker();
    result.classList.add('error');
    result.textContent = e.detail || e.title;
    $('lookup-token').textContent = '';
  } finally {
    $('lookup-go').disabled = false;
  }
}

const removeMarker = () => $('key-marker')?.remove();

function drawMarker(lookup) {
  removeMarker();
  const angle = tokenAngle(lookup.token);
  const [x0, y0] = pointAt(angle, RING.r - RING.width / 2 - 8);
  const [x1, y1] = pointAt(angle, RING.r + RING.width / 2 + 6);
  const [cx, cy] = pointAt(angle, RING.r + RING.width / 2 + 12);
  $('ring').append(svgEl('g', { id: 'key-marker', 'data-token': lookup.token },
    svgEl('title', { text: `${lookup.key} → token ${lookup.token}` }),
    svgEl('line', { x1: x0, y1: y0, x2: x1, y2: y1 }),
    svgEl('circle', { cx, cy, r: 6 })));
}

// ==== Traffic: request rates, latencies and errors, sampled once a second while the tab is open ====================

const TRAFFIC_SAMPLES = 120;   // samples kept in memory: about two minutes at one a second
const TRAFFIC_WINDOW_S = 120;  // the x axis spans at least this many seconds
const TRAFFIC_GAP_MS = 5000;   // a longer pause between two samples (a failed poll, a backend restart) breaks the lines
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const CHART_FONT = 11;

const rateFormats = [new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }),
  new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })];
const fmtRate = (n) => (typeof n === 'number' && Number.isFinite(n) ? rateFormats[Math.abs(n) < 10 ? 0 : 1].format(n) : '–');
const fmtLatency = (ms) => (typeof ms === 'number' && Number.isFinite(ms) ? `${fmtRate(ms)} ms` : '–');
const axisFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 2 });

/** Operations keep the colour of their first appearance (get, put, delete first), like nodes do. */
const opColor = (op) => PALETTE[Math.max(0, state.trafficOps.indexOf(op)) % PALETTE.length];
const opSwatch = (op) => el('span', { class: 'swatch', style: { background: opColor(op) }, 'aria-hidden': 'true' });

async function pollTraffic() {
  try {
    addTrafficSample(await api('GET', '/api/traffic'));
    $('traffic-error').hidden = true;
    setTrafficStale(false);
    renderTraffic();
  } catch (e) {
    showInlineError('traffic-error', e);
    setTrafficStale(Boolean(state.traffic)); // the charts stay, visibly no longer current
    if (!state.traffic) setEmptyRow($('traffic-errors-table').tBodies[0], 2, 'No traffic data.');
  }
}

const setTrafficStale = (stale) => ['traffic-cards', 'rate-legend', 'chart-rate', 'latency-legend', 'chart-latency',
  'traffic-errors-table']
  .forEach((id) => $(id).classList.toggle('stale', stale));

function addTrafficSample(sample) {
  sample.operations = sample.operations || [];
  sample.errors = sample.errors || [];
  state.traffic = sample;
  for (const o of sample.operations) if (!state.trafficOps.includes(o.op)) state.trafficOps.push(o.op);
  const samples = state.trafficSamples;
  const last = samples[samples.length - 1];
  // Older history would only squash the new data into a corner (tab left long ago, backend clock jumped back).
  if (last && (sample.at < last.at || sample.at - last.at > TRAFFIC_WINDOW_S * 1000)) samples.length = 0;
  else if (last && sample.at === last.at) samples.pop();
  if (!(sample.intervalSeconds > 0)) return; // first sample after a backend start: zeros over no interval
  samples.push(sample);
  if (samples.length > TRAFFIC_SAMPLES) samples.splice(0, samples.length - TRAFFIC_SAMPLES);
}

function renderTraffic() {
  const s = state.traffic;
  const rate = (field) => (s ? fmtRate(s[field]) : null);
  const total = s ? s.operations.reduce((sum, o) => sum + (o.rate || 0), 0) : null;
  const errors = s ? s.errors.reduce((sum, e) => sum + (e.rate || 0), 0) : null;
  setText('traffic-total', s ? fmtRate(total) : null);
  setText('traffic-ops', s ? s.operations.map((o) => `${o.op} ${fmtRate(o.rate)}`).join(' · ') : '');
  setText('traffic-errors', s ? fmtRate(errors) : null);
  setText('traffic-quorum', rate('quorumFailures'));
  setText('traffic-read-repairs', rate('readRepairs'));
  setText('traffic-hints-stored', rate('hintsStored'));
  setText('traffic-hints-delivered', rate('hintsDelivered'));
  $('traffic-errors').classList.toggle('st-down', errors > 0);
  $('traffic-quorum').classList.toggle('st-down', s?.quorumFailures > 0);
  setText('traffic-caption', !s ? 'Waiting for the first sample…' : !(s.intervalSeconds > 0)
    ? 'First sample since the backend started: rates follow with the next one.'
    : `Last sample ${new Date(s.at).toLocaleTimeString()} over ${s.intervalSeconds.toFixed(1)} s · ${state.trafficSamples.length} samples kept`);
  renderTrafficLegends(s);
  renderTrafficErrors(s);
  drawTrafficCharts();
}

function renderTrafficLegends(s) {
  const current = (op) => s?.operations.find((o) => o.op === op) || {};
  const latencyPair = (o) => (o.p50Ms == null && o.p99Ms == null ? '–' : `${fmtLatency(o.p50Ms)} · ${fmtLatency(o.p99Ms)}`);
  $('rate-legend').replaceChildren(...state.trafficOps.map((op) => el('li', { 'data-op': op }, opSwatch(op),
    el('span', { class: 'op', text: op }), `${fmtRate(current(op).rate)} /s`)));
  const lineKey = (dashed, label) => el('li', {}, svgEl('svg', { class: 'line-key', viewBox: '0 0 24 8', 'aria-hidden': 'true' },
    svgEl('line', { x1: 1, y1: 4, x2: 23, y2: 4, 'stroke-dasharray': dashed ? '5 4' : null })), label);
  $('latency-legend').replaceChildren(...state.trafficOps.map((op) => el('li', { 'data-op': op }, opSwatch(op),
    el('span', { class: 'op', text: op }), latencyPair(current(op)))),
  lineKey(false, 'p50'), lineKey(true, 'p99'));
}

function renderTrafficErrors(s) {
  const tbody = $('traffic-errors-table').tBodies[0];
  const tone = (kind) => (/^5/.test(kind) ? 'tag-bad' : /^4/.test(kind) ? 'tag-warn' : '');
  const rows = (s?.errors || []).filter((e) => e.rate > 0).sort((a, b) => b.rate - a.rate)
    .map((e) => el('tr', { 'data-kind': e.kind },
      el('td', {}, el('span', { class: `tag ${tone(String(e.kind))}`, text: statusLabel(e.kind) })),
      el('td', { class: 'num', text: `${fmtRate(e.rate)} /s` })));
  if (rows.length) tbody.replaceChildren(...rows);
  else setEmptyRow(tbody, 2, s ? 'No errors in the last second' : 'Loading…');
}

function drawTrafficCharts() {
  const samples = state.trafficSamples;
  const latest = samples.length ? samples[samples.length - 1].at : 0;
  const series = (op, field, dashed) => ({ op, field, dashed,
    points: samples.map((s) => [(latest - s.at) / 1000, s.operations.find((o) => o.op === op)?.[field] ?? null]) });
  const empty = samples.length ? 'No requests in this window' : 'Waiting for samples…';
  drawTimeChart($('chart-rate'), state.trafficOps.map((op) => series(op, 'rate', false)), 'req/s', empty);
  drawTimeChart($('chart-latency'), state.trafficOps.flatMap((op) => [series(op, 'p50Ms', false), series(op, 'p99Ms', true)]),
    'ms', empty);
}

/** 0 and a few round steps (1, 2 or 5 × 10ⁿ) up to at least max. */
function niceTicks(max, count) {
  const raw = (max > 0 ? max : 1) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((f) => f * magnitude >= raw - 1e-12) * magnitude;
  const ticks = [];
  for (let i = 0; ticks.length === 0 || ticks[ticks.length - 1] < max - 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks.length > 1 ? ticks : [0, step];
}

/** Runs of consecutive non-null points; a null or a long pause starts a new run, which draws as a gap. */
function pointRuns(points) {
  const runs = [];
  let run = null, prevAge = 0;
  for (const [age, value] of points) {
    if (typeof value !== 'number') { run = null; continue; }
    if (!run || (prevAge - age) * 1000 > TRAFFIC_GAP_MS) runs.push(run = []);
    run.push([age, value]);
    prevAge = age;
  }
  return runs;
}

/**
 * A line chart over "seconds ago". The viewBox is the SVG's own pixel width, redrawn on resize, so text stays
 * 11 px on a phone instead of shrinking with the chart.
 */
function drawTimeChart(svg, series, unit, emptyText) {
  const width = Math.max(280, Math.round(svg.getBoundingClientRect().width) || 640);
  const height = width < 560 ? 220 : 240;
  const m = { left: 44, right: 16, top: 26, bottom: 36 };
  const w = width - m.left - m.right, h = height - m.top - m.bottom;
  const all = series.flatMap((s) => s.points);
  const values = all.map((p) => p[1]).filter((v) => typeof v === 'number');
  const yTicks = niceTicks(Math.max(0, ...values), 4);
  const yMax = yTicks[yTicks.length - 1];
  const span = Math.max(TRAFFIC_WINDOW_S, ...all.map((p) => p[0]));
  const rawStep = span / Math.max(2, Math.min(8, Math.floor(w / 60)));
  const xStep = TIME_STEPS.find((s) => s >= rawStep) || Math.ceil(rawStep / 3600) * 3600;
  const xMax = Math.ceil(span / xStep) * xStep;
  const x = (age) => m.left + w * (1 - age / xMax);
  const y = (v) => m.top + h * (1 - v / yMax);
  const text = (props, value) => svgEl('text', { 'font-size': CHART_FONT, ...props, text: value });

  const grid = yTicks.map((t) => svgEl('g', { class: 'tick' },
    svgEl('line', { class: t === 0 ? 'axis-line' : 'grid', x1: m.left, x2: m.left + w, y1: y(t), y2: y(t) }),
    text({ x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, axisFormat.format(t))));
  const xTicks = [];
  for (let t = 0; t <= xMax; t += xStep) {
    xTicks.push(svgEl('g', { class: 'tick' }, svgEl('line', { class: 'axis-line', x1: x(t), x2: x(t), y1: m.top + h, y2: m.top + h + 4 }),
      text({ x: x(t), y: m.top + h + 16, 'text-anchor': 'middle' }, t === 0 ? 'now' : `${t} s`)));
  }
  const lines = series.flatMap((s) => {
    const runs = pointRuns(s.points);
    const d = runs.filter((r) => r.length > 1)
      .map((r) => r.map(([age, v], i) => `${i ? 'L' : 'M'}${x(age).toFixed(1)} ${y(v).toFixed(1)}`).join('')).join('');
    const props = { class: 'series', stroke: opColor(s.op), 'data-op': s.op, 'data-field': s.field };
    return [d ? svgEl('path', { ...props, d, 'stroke-dasharray': s.dashed ? '6 5' : null }, svgEl('title', { text: `${s.op} ${s.field}` })) : null,
      ...runs.filter((r) => r.length === 1).map(([[age, v]]) => svgEl('circle', { ...props, cx: x(age), cy: y(v), r: 2.5, fill: opColor(s.op) }))];
  });
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren(...grid, ...xTicks, ...lines.filter(Boolean),
    text({ x: 4, y: 12 }, unit),
    text({ x: m.left + w / 2, y: height - 4, 'text-anchor': 'middle' }, 'seconds ago'),
    values.length ? null : text({ class: 'chart-empty', x: m.left + w / 2, y: m.top + h / 2, 'text-anchor': 'middle' }, emptyText));
}

// ==== Anti-entropy ==================================================================================================

async function pollRepair() {
  try {
    state.repair = await api('GET', '/api/repair');
    $('repair-error').hidden = true;
    setRepairStale(false);
    renderRepair();
  } catch (e) {
    showInlineError('repair-error', e);
    setRepairStale(Boolean(state.repair));
    if (!state.repair) {
      $('repair-progress').replaceChildren(el('p', { class: 'muted', text: 'No repair data.' }));
      setEmptyRow($('repair-table').tBodies[0], 11, 'No repair data.');
    }
  }
}

const setRepairStale = (stale) => ['repair-progress', 'repair-roots', 'repair-table']
  .forEach((id) => $(id).classList.toggle('stale', stale));

function setEmptyRow(tbody, colspan, text) {
  tbody.replaceChildren(el('tr', { class: 'empty' }, el('td', { colspan, text })));
}

async function startRepair() {
  const button = $('repair-start');
  button.disabled = true;
  button.textContent = 'Starting…';
  try {
    state.started = await api('POST', '/api/repair');
    $('repair-error').hidden = true;
    renderRepair();
  } catch (e) {
    showInlineError('repair-error', e);
  } finally {
    button.disabled = false;
    button.textContent = 'Start repair now';
    repairPoller.now();
  }
}

/** A node's progress: GET nests it under "repair", POST answers it directly. */
function progressOf(nodeValue) {
  if (!nodeValue || nodeValue.error) return null;
  if ('repair' in nodeValue) return nodeValue.repair;
  return typeof nodeValue.total === 'number' ? nodeValue : null;
}

/** The newer of the GET's and the POST's progress, so a just-started repair shows before the next poll. */
function latestProgress(node) {
  const polled = progressOf(state.repair?.nodes?.[node]);
  const started = progressOf(state.started?.nodes?.[node]);
  if (!started || !polled) return polled || started;
  return (polled.id || 0) >= (started.id || 0) ? polled : started;
}

function repairNodes() {
  return [...new Set([...Object.keys(state.repair?.nodes || {}), ...Object.keys(state.started?.nodes || {})])].sort();
}

const renderRepair = () => { renderRepairProgress(); renderRoots(); renderExchanges(); };

function renderRepairProgress() {
  const rows = repairNodes().map((node) => {
    const value = state.repair?.nodes?.[node] || state.started?.nodes?.[node];
    const p = latestProgress(node);
    const label = el('div', { class: 'node-name' }, swatch(node), ` ${node}: `);
    let bar = el('div');
    if (value && value.error) label.append(el('span', { class: 'st-down', text: value.error }));
    else if (!p) label.append(el('span', { class: 'muted', text: 'no repair started' }));
    else {
      const total = p.total || 0;
      const pct = total ? Math.min(100, (100 * p.done) / total) : 100;
      label.append(`${p.done} / ${total} exchanges`, el('span', { class: 'muted small',
        text: p.finished ? ' · done' : ` · running for ${fmtDuration(Date.now() - p.startedAt)}` }));
      bar = el('div', { class: `bar${p.finished ? ' done' : ''}`, role: 'progressbar', 'aria-valuemin': 0,
        'aria-valuemax': total, 'aria-valuenow': p.done, title: `repair #${p.id} of ${p.range}, started ${fmtAgo(p.startedAt)}` },
      el('span', { style: { width: `${pct}%` } }));
    }
    return el('div', { class: 'progress-row', 'data-node': node }, label, bar);
  });
  $('repair-progress').replaceChildren(...(rows.length ? rows : [el('p', { class: 'muted', text: 'No nodes reported.' })]));
}

/** range -> node -> root, from every node that answered. */
function rootsByRange() {
  const roots = new Map();
  for (const [node, value] of Object.entries(state.repair?.nodes || {})) {
    for (const r of value?.ranges || []) {
      if (!roots.has(r.range)) roots.set(r.range, new Map());
      roots.get(r.range).set(node, r.root);
    }
  }
  return roots;
}

function renderRoots() {
  const table = $('repair-roots');
  const nodes = repairNodes();
  const roots = rootsByRange();
  table.tHead.replaceChildren(el('tr', {}, el('th', { text: 'Range' }),
    nodes.map((n) => el('th', { text: n })), el('th', { text: 'Agree' })));
  const rows = [...roots.keys()].sort().map((range) => {
    const byNode = roots.get(range);
    const distinct = new Set(byNode.values()).size;
    return el('tr', { 'data-range': range }, el('td', { class: 'mono', text: range }),
      nodes.map((n) => el('td', { 'data-node': n }, byNode.has(n) ? hashChip(byNode.get(n), `${n}: ${byNode.get(n)}`)
        : el('span', { class: 'muted', text: '–' }))),
      el('td', {}, distinct <= 1 ? el('span', { class: 'match', text: '✓ equal' })
        : el('span', { class: 'mismatch', text: `✗ ${distinct} roots` })));
  });
  if (rows.length) table.tBodies[0].replaceChildren(...rows);
  else setEmptyRow(table.tBodies[0], nodes.length + 2, state.repair ? 'No ranges reported.' : 'Loading…');
}

function renderExchanges() {
  const tbody = $('repair-table').tBodies[0];
  const roots = rootsByRange();
  const rows = [];
  for (const node of repairNodes()) {
    const value = state.repair?.nodes?.[node];
    const note = (cls, text) => el('tr', { 'data-node': node, class: cls }, el('td', { class: 'node-name', text: node }),
      el('td', { colspan: 10, class: cls === 'row-down' ? 'error-cell' : null, text }));
    if (value?.error) { rows.push(note('row-down', value.error)); continue; }
    const exchanges = [...(value?.exchanges || [])]
      .sort((a, b) => a.range.localeCompare(b.range) || a.peer.localeCompare(b.peer));
    if (!exchanges.length) rows.push(note('empty', 'No exchanges yet'));
    exchanges.forEach((x) => rows.push(exchangeRow(node, x, roots.get(x.range))));
  }
  if (rows.length) tbody.replaceChildren(...rows);
  else setEmptyRow(tbody, 11, state.repair ? 'No exchanges yet' : 'Loading…');
}

function exchangeRow(node, x, rangeRoots) {
  const mine = rangeRoots && rangeRoots.get(node);
  const theirs = rangeRoots && rangeRoots.get(x.peer);
  const rootsCell = el('td', {}, hashChip(mine, `${node}: ${mine || 'unknown'}`), ' ',
    hashChip(theirs, `${x.peer}: ${theirs || 'unknown'}`),
    mine && theirs ? el('span', { class: mine === theirs ? 'match' : 'mismatch', text: mine === theirs ? '✓' : '≠' }) : null);
  const outcome = el('td', { class: `out-${x.outcome}`, title: x.error || '' }, x.outcome,
    x.error ? el('div', { class: 'small error-cell', text: x.error }) : null);
  const num = (text) => el('td', { class: 'num', text });
  return el('tr', { 'data-node': node, 'data-range': x.range, 'data-peer': x.peer },
    el('td', { class: 'node-name', text: node }), el('td', { class: 'mono', text: x.range }), el('td', { text: x.peer }),
    rootsCell, el('td', { text: fmtAgo(x.finishedAt), title: fmtTime(x.finishedAt) }), outcome,
    num(fmtNumber(x.keysCompared)), num(fmtNumber(x.keysRepaired)), num(fmtBytes(x.bytesMoved)),
    num(fmtBytes(x.bytesExchanged)), num(fmtMillis(x.durationMs)));
}

// ==== Key explorer ==================================================================================================

const STATUS_TEXT = {
  200: 'OK', 204: 'No Content', 300: 'siblings', 400: 'Bad Request', 404: 'not found', 409: 'Conflict',
  412: 'Precondition Failed', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

const statusLabel = (status) => `${status} ${STATUS_TEXT[status] || ''}`.trim();
const statusTone = (status) => (status < 300 ? 's-ok' : status < 500 && status !== 400 ? 's-warn' : 's-bad');

function keyParams(withTtl) {
  const params = new URLSearchParams({ key: $('key-input').value, consistency: $('key-consistency').value });
  const ttl = $('key-ttl').value.trim();
  if (withTtl && ttl) params.set('ttl', ttl);
  return params.toString();
}

const setBusy = (busy) => ['key-get', 'key-put', 'key-delete'].forEach((id) => { $(id).disabled = busy; });

/** The context belongs to one key: sending it with another key would be meaningless (or rejected). */
function setContext(key, context) {
  state.context = context || null;
  state.contextKey = context ? key : null;
  const shown = $('key-context');
  shown.textContent = state.context || 'none';
  shown.title = state.context ? `context of the last read of "${key}"` : '';
  $('key-context-clear').disabled = !state.context;
}

function showKeyStatus(status, problem) {
  const box = $('key-status');
  box.className = `key-status ${statusTone(status)}`;
  box.replaceChildren(el('span', { class: 'code', text: statusLabel(status) }));
  if (problem && (problem.title || problem.detail)) {
    box.append(el('span', { class: 'problem' }, el('strong', { text: problem.title || '' }),
      problem.detail ? ` ${problem.detail}` : ''));
  }
}

/** A failed call to the backend itself (not a gateway status): there is no fresh read to show. */
function showKeyFailure(e) {
  showKeyStatus(e.status || 'Request failed', e);
  $('key-status').className = 'key-status s-bad';
  setKeyResultStale(true);
}

function setKeyProgress(text, tone = 'muted') {
  $('key-status').className = `key-status ${tone}`;
  $('key-status').textContent = text;
}

function requireKey() {
  if ($('key-input').value) return true;
  setKeyProgress('Enter a key first.', 's-warn');
  $('key-input').focus();
  return false;
}

/** After a failed write or call, the answer and replicas on screen are from the previous read: say so. */
function setKeyResultStale(stale) {
  ['key-answer', 'replicas'].forEach((id) => $(id).classList.toggle('stale', stale));
}

async function readKey(event) {
  if (event) { event.preventDefault(); $('key-write').hidden = true; }
  if (!requireKey()) return;
  const key = $('key-input').value;
  setBusy(true);
  setKeyProgress('Reading…');
  try {
    renderRead(key, await api('GET', `/api/keys?${keyParams(false)}`));
  } catch (e) {
    showKeyFailure(e);
  } finally {
    setBusy(false);
  }
}

async function writeKey(method) {
  if (!requireKey()) return;
  const key = $('key-input').value;
  const headers = method === 'PUT' ? { 'Content-Type': 'text/plain; charset=utf-8' } : {};
  if (state.context && state.contextKey === key) headers['X-KV-Context'] = state.context;
  setBusy(true);
  setKeyProgress(method === 'PUT' ? 'Writing…' : 'Deleting…');
  let outcome;
  try {
    outcome = await api(method, `/api/keys?${keyParams(method === 'PUT')}`,
      { headers, body: method === 'PUT' ? $('key-value').value : undefined });
  } catch (e) {
    showKeyFailure(e);
    return;
  } finally {
    setBusy(false);
  }
  const write = $('key-write');
  write.textContent = `${method} → ${statusLabel(outcome.status)} (${headers['X-KV-Context'] ? 'with' : 'no'} context)`;
  write.hidden = false;
  if (outcome.status >= 400) {
    showKeyStatus(outcome.status, outcome.problem || { title: `${method} failed` });
    setKeyResultStale(true);
    return;
  }
  await readKey(); // show what the cluster now holds, and pick up the new context
}

function renderRead(key, r) {
  setKeyResultStale(false);
  const answer = r.answer || {};
  const problem = r.status >= 400 ? answer : null;
  showKeyStatus(r.status, problem);
  setContext(key, r.context || answer.context || null);
  renderAnswer(r.status, answer);
  $('divergent').hidden = !r.divergent;
  renderReplicas(r);
}

function renderAnswer(status, answer) {
  const box = $('key-answer');
  if (status === 200) {
    box.replaceChildren(valueBox(answer.value), definitionList([['Content type', answer.contentType || '–'],
      ['Expires', fmtIso(answer.expiresAt, 'never')], ['ETag', answer.etag || '–'], ['Context', answer.context || '–']]));
  } else if (status === 300) {
    const siblings = answer.siblings || [];
    box.replaceChildren(el('p', { class: 'muted', text: `${siblings.length} concurrent versions. A put with this context resolves them.` }),
      el('div', { class: 'siblings' }, siblings.map((s, i) => el('div', { class: 'sibling-card' },
        el('div', { class: 'section-label', text: `Sibling ${i + 1}` }), valueBox(s.value),
        definitionList([['Content type', s.contentType || '–'], ['Written', fmtIso(s.writtenAt, '–')],
          ['Expires', fmtIso(s.expiresAt, 'never')], ['ETag', s.etag || '–']])))));
  } else if (status === 404) {
    box.replaceChildren(el('p', { class: 'empty-state', text: 'No value stored under this key (or it was deleted or expired).' }));
  } else {
    box.replaceChildren(el('p', { class: 'empty-state', text: 'No value could be read.' }));
  }
}

/** Values arrive base64; show UTF-8 text when it is printable and hex otherwise, so binary never garbles the page. */
function decodeValue(base64) {
  if (base64 === undefined || base64 === null) return { kind: 'none', text: '(no value)' };
  let bytes;
  try { bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)); } catch { return { kind: 'raw', text: base64 }; }
  if (!bytes.length) return { kind: 'empty', text: '(empty value)', size: 0 };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (isPrintable(text)) return { kind: 'text', text, size: bytes.length };
  } catch { /* not UTF-8: fall through to hex */ }
  const hex = [...bytes.slice(0, 256)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return { kind: 'hex', text: bytes.length > 256 ? `${hex} …` : hex, size: bytes.length };
}

// eslint-disable-next-line no-control-regex
const isPrintable = (text) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);

function valueBox(base64) {
  const value = decodeValue(base64);
  const label = value.kind === 'hex' ? `hex · ${fmtBytes(value.size)}` : value.kind === 'text' ? `text · ${fmtBytes(value.size)}` : '';
  return el('div', {}, label ? el('div', { class: 'section-label', text: label }) : null,
    el('div', { class: `value-box${value.kind === 'text' ? '' : ' muted'}`, text: value.text }));
}

function renderReplicas(r) {
  const box = $('replicas');
  const replicas = r.replicas || [];
  if (!replicas.length) {
    const text = r.status === 400 ? 'No replica view for an invalid key.' : 'No replicas reported.';
    return box.replaceChildren(el('p', { class: 'muted empty-state', text }));
  }
  const preference = r.preferenceList || replicas.map((x) => x.node);
  box.replaceChildren(...replicas.map((replica) => replicaCard(replica, preference.indexOf(replica.node))));
}

function replicaCard(replica, rank) {
  const role = rank === 0 ? 'coordinator' : rank > 0 ? `replica ${rank + 1}` : 'replica';
  const clock = replica.clock || [];
  const siblings = replica.siblings || [];
  return el('div', { class: 'replica', 'data-node': replica.node, style: { borderTopColor: nodeColor(replica.node) } },
    el('div', { class: 'replica-head' }, swatch(replica.node), el('span', { class: 'node-name', text: replica.node }),
      el('span', { class: 'tag', text: role }),
      el('span', { class: `replica-state rs-${replica.state}`, text: replica.state })),
    replica.error ? el('div', { class: 'error-cell small', text: replica.error }) : null,
    el('div', { class: 'small' }, el('span', { class: 'muted', text: 'digest ' }),
      replica.digest ? hashChip(replica.digest, replica.digest) : el('span', { class: 'muted', text: '–' })),
    el('div', { class: 'section-label', text: 'Vector clock' }),
    clock.length
      ? el('ul', { class: 'replica-clock' }, clock.map((c) => el('li', { text: `${c.actor}: ${c.counter}` })))
      : el('div', { class: 'replica-clock muted small', text: 'empty' }),
    el('div', { class: 'section-label', text: `Siblings (${siblings.length})` }),
    siblings.length
      ? el('ul', { class: 'replica-siblings' }, siblings.map(siblingItem))
      : el('div', { class: 'replica-siblings muted small', text: replica.state === 'unreachable' ? 'unknown' : 'none' }));
}

function siblingItem(s) {
  const flags = [];
  if (s.tombstone) flags.push(el('span', { class: 'tag tag-bad', text: 'tombstone' }));
  if (s.expiresAt > 0) {
    const expired = s.expiresAt <= Date.now();
    flags.push(el('span', { class: `tag ${expired ? 'tag-bad' : 'tag-warn'}`, title: fmtTime(s.expiresAt),
      text: expired ? 'expired' : `expires ${fmtTime(s.expiresAt)}` }));
  }
  if (s.contentType) flags.push(el('span', { class: 'tag', text: s.contentType }));
  const isText = typeof s.text === 'string' && isPrintable(s.text);
  const value = s.tombstone ? null : isText ? el('span', { class: 'value', text: s.text || '(empty)' })
    : el('span', { class: 'value muted', text: `hex ${s.hex || ''}${s.size > 64 ? ' …' : ''}` });
  return el('li', {}, el('span', { class: 'mono', text: s.dot }), flags, value,
    el('div', { class: 'muted small', text: `${fmtBytes(s.size)} · written ${fmtAgo(s.writtenAt)}`, title: fmtTime(s.writtenAt) }));
}

// ==== Routing: one view at a time, each with its own polling while it is open =======================================

const clusterPoller = new Poller(pollCluster, 1000);
const ringPoller = new Poller(pollRing, 10000);
const repairPoller = new Poller(pollRepair, 2000);
const trafficPoller = new Poller(pollTraffic, 1000);

const VIEWS = {
  overview: { enter() {}, leave() {} },
  ring: { enter: () => { renderLegend(); ringPoller.start(); }, leave: () => ringPoller.stop() },
  traffic: { enter: () => { renderTraffic(); trafficPoller.start(); }, leave: () => trafficPoller.stop() },
  repair: { enter: () => repairPoller.start(), leave: () => repairPoller.stop() },
  keys: { enter() {}, leave() {} },
};

let currentView = null;

function route() {
  const wanted = location.hash.replace(/^#/, '');
  const view = Object.prototype.hasOwnProperty.call(VIEWS, wanted) ? wanted : 'overview';
  if (view === currentView) return;
  if (currentView) VIEWS[currentView].leave();
  currentView = view;
  for (const name of Object.keys(VIEWS)) $(`view-${name}`).hidden = name !== view;
  document.querySelectorAll('#tabs a').forEach((a) => {
    a.classList.toggle('active', a.dataset.tab === view);
    if (a.dataset.tab === view) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  VIEWS[view].enter();
}

function wireEvents() {
  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => { if (currentView === 'traffic') drawTrafficCharts(); });
  $('lookup-form').addEventListener('submit', lookupKey);
  $('repair-start').addEventListener('click', startRepair);
  $('key-form').addEventListener('submit', readKey);
  $('key-put').addEventListener('click', () => writeKey('PUT'));
  $('key-delete').addEventListener('click', () => writeKey('DELETE'));
  $('key-context-clear').addEventListener('click', () => setContext(null, null));
  // A context read for one key must not be sent with another one.
  $('key-input').addEventListener('input', () => {
    if (state.context && $('key-input').value !== state.contextKey) setContext(null, null);
  });
}

function boot() {
  wireEvents();
  route();
  loadLinks();
  clusterPoller.start();
}

boot();
