// The demo page's wiring: fills the controls from the server, starts and
// stops sessions (session.js), and turns what a session reports into the
// plots and the stats table. window.demo exposes the state the browser test
// reads (test/browser/demo.test.ts).

import { startSession } from './session.js';
import { StripChart } from './strip_chart.js';
import { renderStats } from './stats_table.js';

/** The profiles' floors, ms (README, Profiles): the profile plot draws the active floor. */
const FLOOR_MS = { l4s: 10, classic: 40 };
const SAMPLES_PER_MS = 48;

const $ = (id) => document.getElementById(id);
const charts = {
  arrivals: new StripChart($('arrivals'), { title: 'packet arrivals: network delay above the fastest packet', unit: 'ms', series: [{ name: 'packet', color: '#36c', kind: 'dots' }] }),
  buffer: new StripChart($('buffer'), {
    title: 'buffer level against target',
    unit: 'ms',
    series: [
      { name: 'target', color: '#e80', kind: 'line' },
      { name: 'delay', color: '#093', kind: 'line' },
      { name: 'buffered', color: '#9c9', kind: 'line' },
      { name: 'FIFO buffered', color: '#c33', kind: 'line' },
    ],
  }),
  events: new StripChart($('events'), {
    title: 'concealment and stretching per 100 ms',
    unit: 'ms',
    series: [
      { name: 'concealed', color: '#c33', kind: 'bars' },
      { name: 'accelerated', color: '#36c', kind: 'bars' },
      { name: 'decelerated', color: '#093', kind: 'bars' },
      { name: 'FIFO gaps', color: '#999', kind: 'bars' },
    ],
  }),
  profiles: new StripChart($('profiles'), { title: 'profile: floor of the active target profile', unit: 'ms', series: [{ name: 'floor', color: '#b06', kind: 'line' }] }),
};

const state = { session: null, speech: null, running: false, finished: false, statsUpdates: 0, packetsDelivered: 0, profile: '', profileSwitches: 0, transport: '', last: null };
let previous = null;

function drawAll(nowMs) {
  for (const chart of Object.values(charts)) chart.draw(nowMs);
}

function onPoll({ nowMs, stats, fifo, evidence, levels }) {
  const own = stats.jitterlane;
  charts.buffer.add('target', nowMs, own.targetDelayMs);
  charts.buffer.add('delay', nowMs, own.currentDelayMs);
  charts.buffer.add('buffered', nowMs, own.bufferedMs);
  if (fifo) charts.buffer.add('FIFO buffered', nowMs, fifo.bufferedMs);
  if (previous) {
    // Counters are cumulative: plot what each 100 ms added.
    charts.events.add('concealed', nowMs, (stats.concealedSamples - previous.stats.concealedSamples) / SAMPLES_PER_MS);
    charts.events.add('accelerated', nowMs, (stats.removedSamplesForAcceleration - previous.stats.removedSamplesForAcceleration) / SAMPLES_PER_MS);
    charts.events.add('decelerated', nowMs, (stats.insertedSamplesForDeceleration - previous.stats.insertedSamplesForDeceleration) / SAMPLES_PER_MS);
    if (fifo && previous.fifo) charts.events.add('FIFO gaps', nowMs, fifo.underrunMs - previous.fifo.underrunMs);
  }
  charts.profiles.add('floor', nowMs, FLOOR_MS[state.profile] ?? 0);
  previous = { stats, fifo };
  state.statsUpdates++;
  state.last = { stats, fifo, evidence, levels: { ...levels } };
  renderStats($('stats'), state.last);
  drawAll(nowMs);
}

function onPacket(index, nowMs) {
  charts.arrivals.add('packet', nowMs, state.trace.columns.delayMs[index]);
  state.packetsDelivered++;
}

function onProfile(profile, nowMs) {
  state.profile = profile;
  state.profileSwitches++;
  for (const chart of Object.values(charts)) chart.mark(nowMs, `→ ${profile}`);
}

function setRunning(running) {
  state.running = running;
  $('start').disabled = running;
  $('side-by-side').disabled = running;
  $('trace').disabled = running;
  $('stop').disabled = !running;
}

async function stop() {
  const session = state.session;
  state.session = null;
  setRunning(false);
  $('listen').disabled = true;
  await session?.stop();
}

async function start(sideBySide) {
  await stop();
  setRunning(true);
  $('status').textContent = 'loading the trace…';
  try {
    const name = $('trace').value;
    state.trace = await (await fetch(`/api/trace?name=${encodeURIComponent(name)}`)).json();
    for (const chart of Object.values(charts)) chart.clear();
    previous = null;
    Object.assign(state, { finished: false, statsUpdates: 0, packetsDelivered: 0, profileSwitches: 0 });
    const mode = $('profile').value;
    state.profile = mode === 'auto' ? 'classic' : mode;
    state.session = await startSession({
      trace: state.trace,
      speech: state.speech,
      mode,
      evidenceOn: $('ecn').checked,
      sideBySide,
      onPoll,
      onPacket,
      onProfile,
      onEnd: () => {
        state.finished = true;
        $('status').textContent = `${name}: played out`;
        void stop();
      },
    });
    state.transport = state.session.node.transport;
    $('listen').disabled = !sideBySide;
    state.session.listen($('listen').value);
    const seconds = (state.trace.durationMs / 1000).toFixed(0);
    $('status').textContent = `${name}: ${state.trace.packets} packets over ${seconds} s, transport ${state.transport}${sideBySide ? ', side by side' : ''}`;
  } catch (error) {
    $('status').textContent = `cannot play: ${error.message}`;
    console.error(error);
    await stop();
  }
}

async function init() {
  const [list, speech] = await Promise.all([fetch('/api/traces').then((r) => r.json()), fetch('/api/speech.pcm').then((r) => r.arrayBuffer())]);
  state.speech = new Int16Array(speech);
  for (const name of list.traces) $('trace').add(new Option(name, name));
  $('status').textContent = `${list.traces.length} traces from ${list.folder}${crossOriginIsolated ? '' : ' (not cross-origin isolated: port transport)'}`;
  $('start').onclick = () => void start(false);
  $('side-by-side').onclick = () => void start(true);
  $('stop').onclick = () => void stop();
  $('profile').onchange = () => state.session?.setMode($('profile').value);
  $('ecn').onchange = () => state.session?.setEvidence($('ecn').checked);
  $('listen').onchange = () => state.session?.listen($('listen').value);
  drawAll(0);
}

// For the browser test: the page's state and the points each plot has taken.
window.demo = {
  state: () => ({
    running: state.running,
    finished: state.finished,
    transport: state.transport,
    statsUpdates: state.statsUpdates,
    packetsDelivered: state.packetsDelivered,
    profile: state.profile,
    profileSwitches: state.profileSwitches,
    chartPoints: Object.fromEntries(Object.entries(charts).map(([name, chart]) => [name, chart.pointCount])),
    last: state.last,
  }),
  ready: init(),
};
