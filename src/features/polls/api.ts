/** What other slices may use of the polls slice: the chart font (for other rendered pages). */
export { CHART_FONT_FAMILY, chartFontPath } from './chart.ts';
