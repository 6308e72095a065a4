// Tree-shaken ECharts registration: only the charts, components and renderers the renderer uses.
import { BarChart, BoxplotChart, CustomChart, HeatmapChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapPiecewiseComponent } from 'echarts/components';
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
    ScatterChart,
    GridComponent,
    LegendComponent,
    TooltipComponent,
    VisualMapPiecewiseComponent,
    CanvasRenderer,
    SVGRenderer,
  ]);
  registered = true;
}
