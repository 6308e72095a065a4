// For plain `tsc` (vue-tsc resolves .vue files itself and ignores this).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// Side-effect stylesheet imports, bundled by Vite.
declare module '*.css';
