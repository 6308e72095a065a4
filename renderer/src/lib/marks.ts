// Performance marks the renderer sets, read by the benchmark (e2e/bench-list.ts) and devtools.
/** Set by the router at the start of every navigation. */
export const ROUTE_CHANGE_MARK = 'route-change-start';
/** Set once the dataset table's rows are in the DOM after the list view mounted. */
export const LIST_RENDERED_MARK = 'datasets-list-rendered';
/** Set once the runs table's first rows are in the DOM after the runs view mounted (e2e/bench-runs-list.ts). */
export const RUNS_LIST_RENDERED_MARK = 'runs-list-rendered';
/** Set once a run page's content (its header, progress and configuration) is in the DOM after it opened (bench/run.ts). */
export const RUN_PAGE_RENDERED_MARK = 'run-page-rendered';
