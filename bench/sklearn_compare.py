#!/usr/bin/env python3
"""Dev tool (not a test, never in CI): scikit-learn's IterativeImputer on exactly the masks QNN Lab used.

Needs Debian's python3-sklearn on the developer's machine. First export the masks and QNN Lab's scores:
    npx tsx bench/impute-export.ts /tmp/qnnlab-impute-compare
then
    /usr/bin/python3 bench/sklearn_compare.py /tmp/qnnlab-impute-compare [pbc] [synthetic]
prints, per dataset, mean NRMSE over the seeds of: QNN Lab's methods, IterativeImputer with its default
BayesianRidge (compare with `mice`) and IterativeImputer with a RandomForestRegressor (100 trees, sqrt(p)
features per split, as missForest; compare with `missforest`). NRMSE is computed as QNN Lab's scoring.ts does:
over the masked cells of numeric columns, the root mean square of the errors divided by the sd of the column's
observed values in the unmasked table. It also prints the reference values written into core/models tests.
"""
import json, sys, time
import numpy as np
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer
from sklearn.ensemble import RandomForestRegressor

folder = sys.argv[1] if len(sys.argv) > 1 else '/tmp/qnnlab-impute-compare'
names = sys.argv[2:] or ['pbc', 'synthetic']
seeds = [1, 2, 3, 4, 5]

def read(path):
    with open(path) as f:
        lines = f.read().strip().split('\n')
    return np.array([[float(v) if v != '' else np.nan for v in line.split(',')] for line in lines[1:]])

for name in names:
    cols = json.load(open(f'{folder}/{name}-columns.json'))
    numeric = np.array([c['kind'] == 'numeric' for c in cols])
    original = read(f'{folder}/{name}-original.csv')
    sd = np.nanstd(original, axis=0, ddof=1)
    ours = json.load(open(f'{folder}/{name}-qnnlab.json'))
    scores = {}
    for label, make in [
        ('sklearn IterativeImputer(BayesianRidge)', lambda s: IterativeImputer(random_state=s)),
        ('sklearn IterativeImputer(RandomForest)', lambda s: IterativeImputer(estimator=RandomForestRegressor(n_estimators=100, max_features='sqrt', random_state=s, n_jobs=1), max_iter=10, random_state=s)),
    ]:
        vals, secs = [], []
        for seed in seeds:
            masked = read(f'{folder}/{name}-seed{seed}-masked.csv')
            hidden = np.isnan(masked) & ~np.isnan(original)
            t0 = time.time()
            imputed = make(seed).fit_transform(masked)
            secs.append(time.time() - t0)
            err = ((imputed - original) / sd)[hidden & numeric[None, :]]
            vals.append(np.sqrt(np.mean(err ** 2)))
        scores[label] = (np.mean(vals), np.std(vals, ddof=1), np.mean(secs))
    print(f'\n{name}: NRMSE over the masked numeric cells, 20% MCAR, seeds {seeds}')
    for method in sorted({r['method'] for r in ours}, key=lambda m: ['mean', 'mice', 'missforest', 'deep-mice'].index(m) if m in ['mean', 'mice', 'missforest', 'deep-mice'] else 9):
        v = [r['nrmse'] for r in ours if r['method'] == method]
        s = [r['seconds'] for r in ours if r['method'] == method]
        print(f'  QNN Lab {method:<34} {np.mean(v):.4f} +- {np.std(v, ddof=1):.4f}   {np.mean(s):6.2f} s/seed')
    for label, (m, s, t) in scores.items():
        print(f'  {label:<42} {m:.4f} +- {s:.4f}   {t:6.2f} s/seed')
