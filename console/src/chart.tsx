// A chart in a Preact component. The chart library is loaded on first use, so that pages without a
// chart never download or parse it, and only once a chart is on the page: after the figures it draws
// were rendered (the effect runs after that paint), so that evaluating the library never holds back
// the figures and tables a person came for. A chart carries `data-drawing` until it is drawn; pending
// reads carry `data-loading`.
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { tr } from './i18n';

export type ChartOption = EChartsCoreOption;

let library: Promise<typeof import('./echarts-setup')> | null = null;

/**
 * What every chart is drawn with, around its own option: its text in the page's fonts (in the
 * library's default sans-serif, every Chinese label fell back glyph by glyph while it was measured).
 */
function drawn(element: HTMLElement, option: ChartOption): ChartOption {
  return { aria: { enabled: true }, animation: false, textStyle: { fontFamily: getComputedStyle(element).fontFamily }, ...option };
}

/** A chart; `label` names it for screen readers (the figures are also in a table beside it). */
export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const latest = useRef(option);
  latest.current = option;
  // Marked until first drawn: the page's figures are shown before it, its charts once none is marked.
  const [state, setState] = useState<'loading' | 'drawn' | 'failed'>('loading');
  useEffect(() => {
    let live = true;
    const resize = () => chart.current?.resize();
    library ??= import('./echarts-setup');
    library.then(({ echarts }) => {
      if (!live) return;
      chart.current = echarts.init(element.current!, undefined, { renderer: 'svg' });
      chart.current.setOption(drawn(element.current!, latest.current), true);
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
    if (chart.current !== null) chart.current.setOption(drawn(element.current!, option), true);
  }, [option]);
  return (
    <div class="chart" ref={element} role="img" aria-label={label} data-drawing={state === 'loading' ? '' : undefined} style={{ height: `${height}px` }}>
      {state === 'failed' && <p class="muted">{tr('图表未能加载,数据见表格。', 'The chart could not be loaded; the figures are in the table.')}</p>}
    </div>
  );
}
