// The overview's traffic chart: bytes per second in and out, summed over all forwards, for the last
// few minutes, drawn by uPlot on a canvas.

import uPlot from '/webjars/uplot/1.6.30/dist/uPlot.esm.js';
import { rate } from './format.js';

const POINTS = 180;
// A new chart spans about a second per 35 px (half a minute on a desktop, ten seconds on a phone) and
// widens as samples come, up to POINTS seconds.
const firstPoints = (width) => Math.max(10, Math.min(60, Math.round(width / 35)));

// Round steps for a bytes axis: powers of two of B, KiB, MiB and GiB (512 KiB, 1 MiB, 1.5 MiB...).
const BYTE_STEPS = [];
for (let k = 0; k < 4; k += 1) for (const m of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) BYTE_STEPS.push(m * 1024 ** k);

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const pad = (n) => String(n).padStart(2, '0');
function clock(seconds) {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export class TrafficChart {
  constructor(container) {
    this.container = container;
    this.times = [];
    this.in = [];
    this.out = [];
    this.last = null;
    const now = Math.floor(Date.now() / 1000);
    for (let i = firstPoints(container.clientWidth); i > 0; i -= 1) {
      this.times.push(now - i);
      this.in.push(null);
      this.out.push(null);
    }
    this.plot = new uPlot(this.options(), [this.times, this.in, this.out], container);
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(container);
    this.scheme = window.matchMedia('(prefers-color-scheme: dark)');
    this.onScheme = () => this.rebuild();
    this.scheme.addEventListener('change', this.onScheme);
  }

  options() {
    const muted = cssVar('--muted');
    const grid = cssVar('--border');
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '12px system-ui, sans-serif' };
    return {
      width: Math.max(200, this.container.clientWidth),
      height: 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1024, max * 1.15)] } },
      axes: [
        { ...axis, space: 90, values: (u, splits) => splits.map(clock) },
        { ...axis, size: 90, space: 36, incrs: BYTE_STEPS, values: (u, splits) => splits.map((v) => rate(v)) },
      ],
      series: [
        {},
        { label: 'In', stroke: cssVar('--chart-in'), width: 2, fill: `${cssVar('--chart-in')}22`, points: { show: false } },
        // Dashed, so that In shows through where both are the same (an echo, a mirror).
        { label: 'Out', stroke: cssVar('--chart-out'), width: 2, dash: [7, 5], fill: `${cssVar('--chart-out')}22`, points: { show: false } },
      ],
    };
  }

  /** Adds one status event: {time, forwards:[{bytesIn, bytesOut}]}; the first only sets the baseline. */
  push(event) {
    const forwards = event.forwards || [];
    const totalIn = forwards.reduce((sum, f) => sum + Number(f.bytesIn || 0), 0);
    const totalOut = forwards.reduce((sum, f) => sum + Number(f.bytesOut || 0), 0);
    const time = Date.now() / 1000;
    if (this.last) {
      const seconds = Math.max(0.25, time - this.last.time);
      const rin = Math.max(0, (totalIn - this.last.in) / seconds);
      const rout = Math.max(0, (totalOut - this.last.out) / seconds);
      this.times.push(Math.floor(time));
      this.in.push(rin);
      this.out.push(rout);
      if (this.times.length > POINTS) {
        this.times.shift();
        this.in.shift();
        this.out.shift();
      }
      this.plot.setData([this.times, this.in, this.out]);
    }
    this.last = { time, in: totalIn, out: totalOut };
  }

  resize() {
    const width = Math.max(200, this.container.clientWidth);
    if (width !== this.plot.width) this.plot.setSize({ width, height: 180 });
  }

  rebuild() {
    this.plot.destroy();
    this.plot = new uPlot(this.options(), [this.times, this.in, this.out], this.container);
  }

  destroy() {
    this.resizer.disconnect();
    this.scheme.removeEventListener('change', this.onScheme);
    this.plot.destroy();
  }
}
