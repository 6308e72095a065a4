import { expect, it } from 'vitest';
import { configRows, labelOf } from './config-rows.ts';

it('writes a configuration out as labelled rows, nested settings flattened by path', () => {
  expect(labelOf('fineTuneEpochs')).toBe('Fine-tune epochs');
  expect(labelOf('targetLayers')).toBe('Target layers');
  expect(labelOf('outcome')).toBe('Outcome');
  expect(
    configRows({
      datasetId: 3,
      exclude: ['id', 'time'],
      methods: ['mean', { name: 'mice', options: { maxCycles: 3, hidden: [8, 4] } }],
      mask: { mechanism: 'mcar', rate: 0.2 },
      noise: { p1: 0.001 },
    }),
  ).toEqual([
    { path: 'datasetId', label: 'Dataset', value: '3' },
    { path: 'exclude', label: 'Exclude', value: 'id, time' },
    { path: 'methods', label: 'Methods', value: 'mean; mice (maxCycles=3, hidden=8, 4)' },
    { path: 'mask.mechanism', label: 'Mask: mechanism', value: 'mcar' },
    { path: 'mask.rate', label: 'Mask: rate', value: '0.2' },
    { path: 'noise.p1', label: 'Noise: p1 (per X)', value: '0.001' },
  ]);
  expect(configRows(null)).toEqual([]);
});
