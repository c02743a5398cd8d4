// ECharts with only what the dashboard draws: line, bar and pie charts on a canvas. Importing
// echarts/core and the parts keeps the chart chunk small (the full build is about three times
// larger); a new chart type must be registered here.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }
