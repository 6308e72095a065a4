// core/impute: one chained-equations engine, one imputer registry, masking, scoring, experiments, synthetic ICU data.
export * from './columns.ts';
export * from './chained.ts';
export * from './stopping.ts';
export * from './registry.ts';
export * from './model-file.ts';
export * from './imputer.ts';
export * from './masking.ts';
export * from './scoring.ts';
export * from './experiment.ts';
export * from './synthetic-icu.ts';
