/**
 * The insights pages' script, served as /viewer/insights.js (built with uPlot bundled in to
 * dist/viewer/insights.js; see collector/rollup.config.ts): the frustration chart of /insights,
 * and the click map and scroll-depth chart of /insights/clickmap. It reads numbers and selectors
 * from the page's JSON blocks and never writes a recorded string into the page.
 */
import { lineChart, pageData, SIGNAL_COLORS } from './charts';
import { drawClickMap, type ClickMapData } from './clickmap';

interface InsightsData {
  /** UTC day starts, in seconds (uPlot's time scale). */
  days: number[];
  series: Array<[string, number[]]>;
}

const insights = pageData<InsightsData>('insights-data');
const frustration = document.getElementById('frustration-chart');
if (insights && frustration) lineChart(frustration, insights.days, insights.series, { time: true, xLabel: 'Day (UTC)', yLabel: 'per day', colors: SIGNAL_COLORS });

const clickMap = pageData<ClickMapData>('clickmap-data');
const scrollChart = document.getElementById('scroll-chart');
if (clickMap && scrollChart) {
  lineChart(scrollChart, clickMap.scroll.map((step) => step.depth), [['% of page views', clickMap.scroll.map((step) => Math.round(step.share * 100))]],
    { time: false, xLabel: 'Depth (%)', yLabel: '% of page views', colors: ['#1565c0'] });
}
const stage = document.getElementById('clickmap');
if (clickMap && stage) void drawClickMap(stage, clickMap);
