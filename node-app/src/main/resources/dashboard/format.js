// Small formatting and DOM helpers. Text from the network only ever goes through textContent.

/** Creates an element: h('td', {class: 'x', title: 't'}, 'text', childNode, ...). */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (key.startsWith('on')) {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

/** "4s ago", "3 min ago", "2 h ago"; "never" for null. */
export function ago(iso, now = Date.now()) {
  if (!iso) {
    return 'never';
  }
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return String(iso);
  }
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 0) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds}s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function duration(seconds) {
  if (seconds === undefined || seconds === null) {
    return '–';
  }
  const d = Math.floor(seconds / 86400);
  const hh = Math.floor((seconds % 86400) / 3600);
  const mm = Math.floor((seconds % 3600) / 60);
  const ss = Math.floor(seconds % 60);
  if (d > 0) {
    return `${d}d ${hh}h`;
  }
  if (hh > 0) {
    return `${hh}h ${mm}m`;
  }
  return mm > 0 ? `${mm}m ${ss}s` : `${ss}s`;
}

/** Milliseconds as "850 ms", "2.4 s", "3.1 min"; "–" when unknown (null or negative). */
export function millis(ms) {
  if (ms === undefined || ms === null || ms < 0) {
    return '–';
  }
  if (Math.abs(ms) < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (Math.abs(ms) < 60000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  return `${(ms / 60000).toFixed(1)} min`;
}

/** Clock skew keeps its sign: "+120 ms" means the peer's clock is ahead. */
export function skew(ms) {
  if (ms === undefined || ms === null) {
    return '–';
  }
  return (ms > 0 ? '+' : ms < 0 ? '−' : '') + millis(Math.abs(ms));
}

export function count(n) {
  return n === undefined || n === null ? '–' : Number(n).toLocaleString('en-US');
}

export function shortId(id) {
  return id ? String(id).slice(0, 8) : '–';
}

export function clock(iso) {
  const at = iso ? new Date(iso) : new Date();
  return Number.isNaN(at.getTime()) ? String(iso) : at.toLocaleTimeString('en-GB', { hour12: false });
}
