// Formatting of numbers, sizes and times for people.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  let value = Number(n);
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function rate(bytesPerSecond) {
  return `${bytes(bytesPerSecond)}/s`;
}

const numberFormat = new Intl.NumberFormat();
export function count(n) {
  if (n === null || n === undefined) return '—';
  return numberFormat.format(Number(n));
}

/** A Date from an ISO string, epoch seconds or epoch milliseconds; null when absent. */
export function toDate(value) {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return new Date(value > 1e12 ? value : value * 1000);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n) => String(n).padStart(2, '0');

/** 2026-11-23 15:04:05 in local time. */
export function dateTime(value) {
  const d = toDate(value);
  if (!d) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 min ago", "in 2 h". */
export function relative(value, now = Date.now()) {
  const d = toDate(value);
  if (!d) return '—';
  const seconds = Math.round((d.getTime() - now) / 1000);
  const text = duration(Math.abs(seconds));
  if (Math.abs(seconds) < 5) return 'just now';
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** Seconds as "1 d 2 h", "5 min", "42 s". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  let s = Math.max(0, Math.round(Number(seconds)));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hours = Math.floor(s / 3600); s -= hours * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d) return hours ? `${d} d ${hours} h` : `${d} d`;
  if (hours) return m ? `${hours} h ${m} min` : `${hours} h`;
  if (m) return s && m < 10 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** A remaining time as the API gives it (seconds, an ISO-8601 duration or already text). */
export function remaining(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return duration(value);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (iso) {
    const [, d = 0, hh = 0, mm = 0, ss = 0] = iso;
    return duration(Number(d) * 86400 + Number(hh) * 3600 + Number(mm) * 60 + Number(ss));
  }
  return String(value);
}
