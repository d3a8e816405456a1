import { BarChart, FunnelChart, HeatmapChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

/*
 * ECharts with only the charts the overview draws (tree-shaken), loaded with the overview
 * page alone: sign-in and the customer pages never download it. SVG: crisp at any zoom and
 * light for the few points these charts have.
 */
echarts.use([FunnelChart, PieChart, HeatmapChart, BarChart, TooltipComponent, LegendComponent, GridComponent, VisualMapComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

// The page's own font stack: ECharts measures text with it, so labels and legends do not overlap.
const FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', Roboto, sans-serif";

export const PALETTE = ['#0d6a73', '#3f9aa3', '#7dbfc4', '#e0a03a', '#c0584a', '#6c7bb5', '#8aa05a', '#a0727f'];

/** One chart, redrawn when its option changes and resized with its box. */
export function Chart({ option, label, height = 280 }: { option: ChartOption; label: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ color: PALETTE, animation: false, textStyle: { fontFamily: FONT }, ...option }, true);
  }, [option]);

  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} />;
}
