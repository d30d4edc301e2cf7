import type { Format } from './format';

/**
 * What the dashboard's charts share: the axis tick style, and for the overview's time series the full size of their
 * frame, their margins and a time x axis over the points' `t` (epoch ms) whose ticks read in the page's language
 * (14:05 in pt-BR, 02:05 PM in English).
 */
export const CHART_STYLE = { width: '100%', height: '100%' } as const;
export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
/** Spread on an axis: small ticks in the text colour, so they follow the light and dark themes. */
export const AXIS_STYLE = { tick: { fontSize: 11 }, stroke: 'currentColor' };

export function timeXAxis(format: Format) {
  return {
    dataKey: 't',
    type: 'number' as const,
    scale: 'time' as const,
    domain: ['dataMin', 'dataMax'] as [string, string],
    minTickGap: 40,
    ...AXIS_STYLE,
    tickFormatter: (v: number) => format.clockShort(v),
  };
}
