// core/data: dataset schema, CSV parsing and typing, profiling, CSV export.
export * from './types.ts';
export * from './errors.ts';
export * from './csv.ts';
export * from './dataset-profile.ts';
export * from './export.ts';
export * from './decode.ts';
