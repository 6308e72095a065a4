// Number and date formatting for tables: stable, compact, locale-independent digits.
const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dateFormat = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

const decimalFormats = new Map<number, Intl.NumberFormat>();
function decimalFormat(digits: number): Intl.NumberFormat {
  let f = decimalFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits });
    decimalFormats.set(digits, f);
  }
  return f;
}

export function formatInt(n: number): string {
  return intFormat.format(n);
}

/** A measurement with about 4 significant digits, without exponent for ordinary magnitudes. */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '−∞';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e6 || abs < 1e-4) return n.toExponential(2);
  if (Number.isInteger(n)) return intFormat.format(n);
  const digits = abs >= 1000 ? 1 : abs >= 100 ? 2 : abs >= 1 ? 3 : 4;
  return decimalFormat(digits).format(n);
}

/** Share as a percentage: one decimal, '<0.1%' for tiny non-zero shares. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const p = (100 * part) / whole;
  if (p > 0 && p < 0.1) return '<0.1%';
  return `${p.toFixed(1)}%`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** A span of time for planning: µs and ms for gates, s below a minute, then min, h min, d h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds === 0) return '0 s';
  if (seconds < 1e-3) return `${formatNumber(seconds * 1e6)} µs`;
  if (seconds < 1) return `${formatNumber(seconds * 1e3)} ms`;
  if (seconds < 60) return `${decimalFormat(1).format(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${intFormat.format(days)} d` : `${intFormat.format(days)} d ${hours % 24} h`;
}

const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount in US dollars: cents for totals; prices below a cent keep their significant digits. */
export function formatUSD(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${Number(usd.toPrecision(3))}`;
  return usdFormat.format(usd);
}

/** A probability close to 1 (a fidelity) as a percentage, without trailing zeros: 0.996 -> 99.6%, 0.9995 -> 99.95%. */
export function formatFidelity(p: number): string {
  if (!Number.isFinite(p)) return '—';
  return `${Number((p * 100).toFixed(3))}%`;
}
