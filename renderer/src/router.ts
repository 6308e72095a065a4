// Hash history: works from file:// in Electron and from any path in the web host.
import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import { ROUTE_CHANGE_MARK } from './lib/marks.ts';
import DatasetsView from './views/DatasetsView.vue';

/** A query parameter's text (the first when repeated), or undefined. */
const queryText = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
/** A query parameter as a positive whole number (an id), or undefined. */
const queryId = (v: unknown): number | undefined => {
  const n = Number(queryText(v));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', redirect: '/datasets' },
      { path: '/datasets', name: 'datasets', component: DatasetsView, meta: { title: 'Datasets' } },
      {
        path: '/datasets/:id(\\d+)',
        name: 'dataset',
        component: () => import('./views/DatasetView.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
        meta: { title: 'Dataset' },
      },
      {
        path: '/devices/:id?',
        name: 'devices',
        component: () => import('./views/DevicesView.vue'),
        props: (r) => ({ id: typeof r.params.id === 'string' && r.params.id ? r.params.id : undefined }),
        meta: { title: 'Devices' },
      },
      { path: '/runs', name: 'runs', component: () => import('./features/runs/RunsView.vue'), meta: { title: 'Runs' } },
      {
        path: '/runs/:id(\\d+)',
        name: 'run',
        component: () => import('./features/runs/RunView.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
        meta: { title: 'Run' },
      },
      {
        path: '/runs/new',
        name: 'new-run',
        component: () => import('./features/new-run/NewRunView.vue'),
        props: (r) => ({ kind: queryText(r.query.kind), dataset: queryId(r.query.dataset), from: queryId(r.query.from) }),
        meta: { title: 'New run' },
      },
      { path: '/reports', name: 'reports', component: () => import('./features/reports/ReportsView.vue'), meta: { title: 'Reports' } },
      { path: '/settings', name: 'settings', component: () => import('./features/settings/SettingsView.vue'), meta: { title: 'Settings' } },
      {
        path: '/compare',
        name: 'compare',
        component: () => import('./features/compare/CompareView.vue'),
        props: (r) => ({ runs: r.query.runs === undefined || r.query.runs === null ? undefined : String(r.query.runs) }),
        meta: { title: 'Compare' },
      },
      {
        path: '/comparisons/:id(\\d+)',
        name: 'comparison',
        component: () => import('./features/compare/CompareView.vue'),
        props: (r) => ({ id: Number(r.params.id) }),
        meta: { title: 'Comparison' },
      },
      { path: '/about', name: 'about', component: () => import('./views/AboutView.vue'), meta: { title: 'About' } },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: 'Not found' } },
    ],
  });
  // A mark per navigation, so render times can be measured from the route change (bench, devtools).
  router.beforeEach((to) => {
    performance.clearMarks(ROUTE_CHANGE_MARK);
    performance.mark(ROUTE_CHANGE_MARK, { detail: { to: to.fullPath } });
  });
  router.afterEach((to) => {
    const title = typeof to.meta.title === 'string' ? to.meta.title : '';
    document.title = title ? `${title} · QNN Lab` : 'QNN Lab';
  });
  return router;
}
