// A run's configuration as rows a person reads: nested settings flattened to dotted names, camelCase names as words,
// lists and option objects written out; the raw JSON stays available beside it.

export interface ConfigRow {
  /** The config's own path, e.g. `mask.rate` or `methods.1` (what error fields name). */
  path: string;
  label: string;
  value: string;
}

/** Names whose words are not their camelCase split. */
const LABELS: Record<string, string> = {
  datasetId: 'Dataset',
  lr: 'Learning rate',
  fineTuneEpochs: 'Fine-tune epochs',
  targetLayers: 'Target layers',
  latencyScale: 'Latency scale',
  budget: 'Budget (USD)',
  p1: 'p1 (per X)',
  p2: 'p2 (per RBS)',
};

export function labelOf(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map(String).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A method of an experiment: its name, then its options as name=value. */
function methodText(m: unknown): string {
  if (typeof m === 'string') return m;
  const { name, options } = m as { name: string; options?: Record<string, unknown> };
  const given = Object.entries(options ?? {});
  return given.length ? `${name} (${given.map(([k, v]) => `${k}=${text(v)}`).join(', ')})` : name;
}

export function configRows(config: unknown, prefix = ''): ConfigRow[] {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    return prefix ? [{ path: prefix, label: labelOf(prefix), value: text(config) }] : [];
  const rows: ConfigRow[] = [];
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (key === 'methods' && Array.isArray(value)) rows.push({ path, label: 'Methods', value: value.map(methodText).join('; ') });
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const row of configRows(value, path)) rows.push({ ...row, label: `${labelOf(key)}: ${row.label.charAt(0).toLowerCase()}${row.label.slice(1)}` });
    } else rows.push({ path, label: labelOf(key), value: text(value) });
  }
  return rows;
}
