// Every sourced figure of a device profile as a table row: what it is, its value, its source and date, and
// whether it is an assumption rather than a cited public figure. Pure (unit-tested).
import type { DeviceProfile } from '../../../electron/contract/devices.ts';
import { formatDuration, formatFidelity, formatInt, formatNumber, formatUSD } from './format.ts';

export interface FigureRow {
  /** Dotted path in the profile, e.g. `fidelity.twoQubit` (as in DeviceProfileDetail.assumedFields). */
  path: string;
  label: string;
  value: string;
  source: string;
  date: string;
  assumption: boolean;
}

type Format = (v: number) => string;
const percent: Format = formatFidelity;
const seconds: Format = formatDuration;
const usd: Format = formatUSD;

const KNOWN: Record<string, { label: string; format?: Format }> = {
  qubits: { label: 'Qubits', format: formatInt },
  connectivity: { label: 'Connectivity' },
  nativeGates: { label: 'Native gates' },
  rbsCompilation: { label: 'RBS compilation (2q gates per RBS)', format: formatInt },
  'fidelity.oneQubit': { label: '1-qubit gate fidelity', format: percent },
  'fidelity.twoQubit': { label: '2-qubit gate fidelity', format: percent },
  'fidelity.spam': { label: 'SPAM fidelity', format: percent },
  'duration.oneQubitSeconds': { label: '1-qubit gate duration', format: seconds },
  'duration.twoQubitSeconds': { label: '2-qubit gate duration', format: seconds },
  shotRateHz: { label: 'Shot rate', format: (v) => `${formatNumber(v)} shots/s` },
  jobOverheadSeconds: { label: 'Job overhead', format: seconds },
  'queue.meanWaitSeconds': { label: 'Mean queue wait', format: seconds },
  'pricing.oneQubitGateShotUSD': { label: 'Price per 1-qubit gate-shot', format: usd },
  'pricing.twoQubitGateShotUSD': { label: 'Price per 2-qubit gate-shot', format: usd },
  'pricing.perShotUSD': { label: 'Price per shot', format: usd },
  'pricing.minimumPerCircuitUSD': { label: 'Minimum per circuit', format: usd },
  'debiasing.minShots': { label: 'Debiasing from (shots)', format: formatInt },
};

function humanise(path: string): string {
  const last = path.split('.').pop() ?? path;
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describeValue(path: string, o: Record<string, unknown>, profile: DeviceProfile): string {
  const known = KNOWN[path];
  if (path === 'connectivity') {
    const c = profile.connectivity;
    return c.kind === 'edges' ? `${c.edges.length} edges` : c.kind;
  }
  if (path === 'nativeGates') {
    const g = profile.nativeGates;
    return `${[...g.oneQubit, g.twoQubit].join(', ')} (angles in ${g.angleUnit})`;
  }
  if (path === 'rbsCompilation') return formatInt(profile.rbsCompilation.twoQubitGatesPerRbs);
  const v = o.value;
  if (typeof v === 'number') {
    const text = known?.format ? known.format(v) : formatNumber(v);
    return typeof o.unit === 'string' && !known?.format ? `${text} ${o.unit}` : text;
  }
  return v === undefined ? '—' : String(v);
}

/** The figures in profile order (every object carrying a source and a date). */
export function profileFigures(profile: DeviceProfile): FigureRow[] {
  const rows: FigureRow[] = [];
  const walk = (v: unknown, path: string) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return;
    const o = v as Record<string, unknown>;
    if (path && typeof o.source === 'string' && typeof o.date === 'string') {
      rows.push({
        path,
        label: KNOWN[path]?.label ?? humanise(path),
        value: describeValue(path, o, profile),
        source: o.source,
        date: o.date,
        assumption: o.source.startsWith('assumption'),
      });
    }
    for (const [k, child] of Object.entries(o)) walk(child, path ? `${path}.${k}` : k);
  };
  walk(profile, '');
  return rows;
}

/** The pricing in one line: '1q $0.00022 · 2q $0.00098 per gate-shot · min $1.00 per circuit'. */
export function pricingSummary(profile: DeviceProfile): string {
  const p = profile.pricing;
  const min = `min ${formatUSD(p.minimumPerCircuitUSD.value)}/circuit`;
  if (p.model === 'per-gate-shot') return `${formatUSD(p.oneQubitGateShotUSD.value)} 1q · ${formatUSD(p.twoQubitGateShotUSD.value)} 2q per gate-shot · ${min}`;
  return `${formatUSD(p.perShotUSD.value)} per shot · ${min}`;
}
