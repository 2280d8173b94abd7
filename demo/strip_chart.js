// A scrolling strip chart on a plain canvas: the last `windowMs` of a few
// series against the session clock, with vertical markers (profile switches).
// Plain canvas rather than a charting library: four small plots do not
// justify a dependency, and the drawing is the same in every browser.

const PAD = { left: 44, right: 8, top: 18, bottom: 16 };

export class StripChart {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{ title: string, unit: string, windowMs?: number,
   *           series: { name: string, color: string, kind: 'line' | 'dots' | 'bars' }[] }} options
   */
  constructor(canvas, { title, unit, windowMs = 10_000, series }) {
    this.canvas = canvas;
    this.title = title;
    this.unit = unit;
    this.windowMs = windowMs;
    this.series = series.map((s) => ({ ...s, points: [] }));
    this.markers = [];
    /** Points ever added: the test reads it to see the plot move. */
    this.pointCount = 0;
  }

  /** Adds a point (time in ms of the session clock) to the named series. */
  add(name, timeMs, value) {
    const series = this.series.find((s) => s.name === name);
    if (!series || !Number.isFinite(value)) return;
    series.points.push({ timeMs, value });
    this.pointCount++;
  }

  /** A vertical line with a label across the plot at `timeMs`. */
  mark(timeMs, label, color = '#b06') {
    this.markers.push({ timeMs, label, color });
  }

  clear() {
    for (const s of this.series) s.points.length = 0;
    this.markers.length = 0;
  }

  /** Redraws the window that ends at `nowMs`, dropping what scrolled out. */
  draw(nowMs) {
    const start = nowMs - this.windowMs;
    for (const s of this.series) {
      const firstKept = s.points.findIndex((p) => p.timeMs >= start);
      s.points.splice(0, firstKept < 0 ? s.points.length : firstKept);
    }
    this.markers = this.markers.filter((m) => m.timeMs >= start);

    const ctx = this.canvas.getContext('2d');
    const { width, height } = this.canvas;
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    // Scale to the visible data (at least 1 unit, so an all-zero plot is not a divide by zero).
    let top = 1;
    for (const s of this.series) for (const p of s.points) top = Math.max(top, p.value);
    top = niceCeiling(top * 1.1);
    const x = (t) => PAD.left + ((t - start) / this.windowMs) * plotW;
    const y = (v) => PAD.top + plotH - (Math.max(0, v) / top) * plotH;

    ctx.clearRect(0, 0, width, height);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#ddd';
    ctx.fillStyle = '#555';
    ctx.font = '11px system-ui, sans-serif';
    for (const v of [0, top / 2, top]) {
      ctx.beginPath();
      ctx.moveTo(PAD.left, y(v));
      ctx.lineTo(width - PAD.right, y(v));
      ctx.stroke();
      ctx.fillText(`${+v.toFixed(1)}`, 4, y(v) + 4);
    }
    ctx.fillStyle = '#222';
    ctx.fillText(`${this.title} (${this.unit})`, PAD.left, 12);
    let legendX = width - PAD.right;
    for (const s of [...this.series].reverse()) {
      legendX -= ctx.measureText(s.name).width + 18;
      ctx.fillStyle = s.color;
      ctx.fillRect(legendX, 4, 10, 10);
      ctx.fillStyle = '#222';
      ctx.fillText(s.name, legendX + 13, 13);
    }

    this.series.forEach((s, index) => {
      // Bars of different series at one poll sit side by side rather than hiding each other.
      const shift = s.kind === 'bars' ? index * 3 : 0;
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      if (s.kind === 'line') {
        ctx.beginPath();
        s.points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.timeMs), y(p.value)) : ctx.lineTo(x(p.timeMs), y(p.value))));
        ctx.stroke();
      } else if (s.kind === 'dots') {
        for (const p of s.points) ctx.fillRect(x(p.timeMs) - 1, y(p.value) - 1, 3, 3);
      } else {
        for (const p of s.points) ctx.fillRect(x(p.timeMs) + shift - 1, y(p.value), 3, y(0) - y(p.value));
      }
    });
    for (const m of this.markers) {
      ctx.strokeStyle = m.color;
      ctx.fillStyle = m.color;
      ctx.beginPath();
      ctx.moveTo(x(m.timeMs), PAD.top);
      ctx.lineTo(x(m.timeMs), PAD.top + plotH);
      ctx.stroke();
      ctx.fillText(m.label, x(m.timeMs) + 3, PAD.top + 10);
    }
  }
}

/** 1, 2 or 5 times a power of ten, at or above `value`: axis labels people can read. */
function niceCeiling(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
