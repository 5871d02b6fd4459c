import uPlot from 'uplot';

/** The viewer's colours for the frustration signals (viewer/html.ts VIEWER_CSS: .count.rage, .dead, .error). */
export const SIGNAL_COLORS = ['#c62828', '#6d4c41', '#ef6c00'];
const CHART_HEIGHT_PX = 240;
const DAY_SECONDS = 86_400;

/**
 * A uPlot line chart of `series` over `x` into `root`, as wide as the root. The root says what it
 * drew (data-points, data-series) so that a test can read it without reading pixels.
 */
export function lineChart(root: HTMLElement, x: number[], series: Array<[label: string, values: number[]]>, options: { time: boolean; xLabel: string; yLabel: string; colors: string[] }): uPlot {
  const chart = new uPlot({
    width: Math.max(320, root.clientWidth),
    height: CHART_HEIGHT_PX,
    scales: { x: { time: options.time }, y: { range: (_self, _min, max) => [0, Math.max(1, max)] } },
    // A time axis ticks whole UTC days (the data is per day), labelled month-day (the form shows the year).
    axes: [options.time ? { incrs: [DAY_SECONDS, 7 * DAY_SECONDS], values: (_self, ticks) => ticks.map((tick) => new Date(tick * 1000).toISOString().slice(5, 10)) } : {},
      { label: options.yLabel }],
    series: [{ label: options.xLabel }, ...series.map(([label], index) => ({ label, stroke: options.colors[index % options.colors.length], width: 2, points: { show: true } }))],
  }, [x, ...series.map(([, values]) => values)], root);
  root.dataset.points = String(x.length);
  root.dataset.series = String(series.length);
  return chart;
}

/** The JSON a page handed its script in `<script type="application/json" id=…>`, undefined when the page has none. */
export function pageData<T>(id: string): T | undefined {
  const text = document.getElementById(id)?.textContent;
  return text ? (JSON.parse(text) as T) : undefined;
}
