// Performance marks the renderer sets, read by the benchmark (e2e/bench-list.ts) and devtools.
/** Set by the router at the start of every navigation. */
export const ROUTE_CHANGE_MARK = 'route-change-start';
/** Set once the dataset table's rows are in the DOM after the list view mounted. */
export const LIST_RENDERED_MARK = 'datasets-list-rendered';
