// Tree-shaken ECharts registration: only the charts, components and renderers the renderer uses.
import { BarChart, BoxplotChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapPiecewiseComponent,
} from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

let registered = false;
export function registerCharts(): void {
  if (registered) return;
  use([
    BarChart,
    BoxplotChart,
    CustomChart,
    HeatmapChart,
    LineChart,
    ScatterChart,
    DataZoomComponent,
    GridComponent,
    LegendComponent,
    MarkLineComponent,
    TitleComponent,
    TooltipComponent,
    VisualMapPiecewiseComponent,
    CanvasRenderer,
    SVGRenderer,
  ]);
  registered = true;
}
