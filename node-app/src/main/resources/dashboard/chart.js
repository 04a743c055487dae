// Rows replicated per second over the last minutes: one bucket per second, drawn as SVG bars.
// The container's data-total / data-events / data-points / data-peak attributes expose the series
// (tests and scripts read them; nothing else depends on the drawing).

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 180;
const TOP_PAD = 14;

export class RateChart {
  /**
   * @param container element holding an <svg>; gets the data-* attributes
   * @param seconds   length of the window, one bucket per second
   * @param onDraw    called with {total, peak} after each drawing
   */
  constructor(container, seconds = 300, onDraw = () => {}) {
    this.container = container;
    this.onDraw = onDraw;
    this.svg = container.querySelector('svg');
    this.seconds = seconds;
    this.buckets = new Map(); // epoch second -> rows
    this.events = 0;
  }

  /** Counts rows at a moment (ms since epoch); events older than the window are ignored. */
  add(rows, atMillis) {
    const second = Math.floor(atMillis / 1000);
    const now = Math.floor(Date.now() / 1000);
    // A peer's clock may be slightly ahead: count such rows in the current second.
    const at = Math.min(second, now);
    if (at <= now - this.seconds || !(rows > 0)) {
      return;
    }
    this.buckets.set(at, (this.buckets.get(at) || 0) + rows);
    this.events += 1;
    this.draw();
  }

  /** The series of the window, oldest first. */
  series() {
    const now = Math.floor(Date.now() / 1000);
    const values = [];
    for (let s = now - this.seconds + 1; s <= now; s++) {
      values.push(this.buckets.get(s) || 0);
    }
    for (const s of this.buckets.keys()) {
      if (s <= now - this.seconds) {
        this.buckets.delete(s);
      }
    }
    return values;
  }

  draw() {
    const values = this.series();
    const total = values.reduce((a, b) => a + b, 0);
    const peak = Math.max(0, ...values);
    const scale = niceCeiling(Math.max(peak, 1));
    const barWidth = WIDTH / values.length;
    const parts = [];
    for (const fraction of [0.25, 0.5, 0.75, 1]) {
      const y = HEIGHT - (HEIGHT - TOP_PAD) * fraction;
      parts.push(el('line', { x1: 0, x2: WIDTH, y1: y, y2: y, class: 'grid-line' }));
    }
    values.forEach((value, i) => {
      if (value > 0) {
        const h = Math.max(2, (HEIGHT - TOP_PAD) * value / scale);
        parts.push(el('rect', {
          // At least 3 units wide: a lone second with rows stays visible at the right edge.
          x: Math.min(i * barWidth, WIDTH - 3), y: HEIGHT - h, width: Math.max(3, barWidth - 0.6), height: h, class: 'bar',
        }, `${value} rows, ${values.length - 1 - i}s ago`));
      }
    });
    const label = el('text', { x: 4, y: 11, class: 'axis-label' });
    label.textContent = `${scale} rows/s`;
    parts.push(label);
    this.svg.replaceChildren(...parts);
    this.container.dataset.total = String(total);
    this.container.dataset.events = String(this.events);
    this.container.dataset.points = String(values.filter(v => v > 0).length);
    this.container.dataset.peak = String(peak);
    this.onDraw({ total, peak });
    return { total, peak };
  }
}

function el(name, attributes, title) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    node.setAttribute(key, String(value));
  }
  if (title) {
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = title;
    node.appendChild(t);
  }
  return node;
}

/** 1, 2, 5, 10, 20, 50, ...: the smallest such value at least n, so the axis label is round. */
function niceCeiling(n) {
  let magnitude = 1;
  while (magnitude * 10 <= n) {
    magnitude *= 10;
  }
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= n) {
      return step * magnitude;
    }
  }
  return 10 * magnitude;
}
