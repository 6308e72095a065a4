import { createPinia } from 'pinia';
import { createApp } from 'vue';
import 'vue-echarts/style.css';
import App from './App.vue';
import { createAppRouter } from './router.ts';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter());
app.mount('#app');
