// The chart library with only the charts and parts the console draws; loaded by the pages that draw one.
// No tooltip or legend: every figure a chart draws is in a table beside it, and every part the
// library sets up is work for each chart before it is drawn.
import { BarChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, GaugeChart, LineChart, PieChart, AriaComponent, GridComponent, SVGRenderer]);

export { echarts };
