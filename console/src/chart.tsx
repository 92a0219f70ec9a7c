// A chart in a Preact component. The chart library is loaded on first use, so that pages without a
// chart never download or parse it.
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { tr } from './i18n';

export type ChartOption = EChartsCoreOption;

let library: Promise<typeof import('./echarts-setup')> | null = null;

/** Starts fetching the chart library now (a page that draws charts, before its reads come back). */
export function preloadCharts(): void {
  library ??= import('./echarts-setup');
  // A failure is reported by the chart that waits for it.
  library.catch(() => undefined);
}

/** A chart; `label` names it for screen readers (the figures are also in a table beside it). */
export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  latest.current = option;
  // Marked as loading until first drawn, like a read in flight: the page is not shown before its charts.
  const [state, setState] = useState<'loading' | 'drawn' | 'failed'>('loading');
  useEffect(() => {
    let live = true;
    const resize = () => chart.current?.resize();
    library ??= import('./echarts-setup');
    library.then(({ echarts }) => {
      if (!live) return;
      chart.current = echarts.init(element.current!, undefined, { renderer: 'svg' });
      chart.current.setOption({ aria: { enabled: true }, animation: false, ...latest.current }, true);
      window.addEventListener('resize', resize);
      setState('drawn');
    }, () => {
      // Fetched again by the next chart that is shown.
      library = null;
      if (live) setState('failed');
    });
    return () => {
      live = false;
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, animation: false, ...option }, true);
  }, [option]);
  return (
    <div class="chart" ref={element} role="img" aria-label={label} data-loading={state === 'loading' ? '' : undefined} style={{ height: `${height}px` }}>
      {state === 'failed' && <p class="muted">{tr('图表未能加载,数据见表格。', 'The chart could not be loaded; the figures are in the table.')}</p>}
    </div>
  );
}
