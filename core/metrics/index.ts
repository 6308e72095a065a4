// core/metrics: one function per file.
export * from './rmse.ts';
export * from './nrmse.ts';
export * from './pfc.ts';
export * from './wasserstein.ts';
export * from './auc.ts';
export * from './stratified-kfold.ts';
export * from './summary.ts';
export * from './variance-ratio.ts';
export * from './downstream-auc.ts';
export * from './paired-samples.ts';
export * from './wilcoxon-signed-rank.ts';
export * from './paired-t-test.ts';
export * from './pitman-morgan.ts';
