// The live dashboard of the console page and of the big screen: one server-sent event stream
// for the current filter, reopened when the filter changes, with the live indicator's state.
import { computed, onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue'
import { useRouter } from 'vue-router'
import { ApiError } from '../api/errors'
import { getDashboard, watchDashboard, type LiveState, type LiveStream } from '../api/reporting'
import type { Dashboard } from '../api/types'
import { editionState } from '../edition'
import { loginRoute } from '../router'
import { forgetSession } from '../session'
import {
  countyRankingRows,
  dayChange,
  dayRows,
  fillHours,
  formRows,
  occupancyRows,
  refusalRows,
  sameFilter,
  share,
  targetGroupRows,
  themeRows,
  totalsOf,
  type DashboardFilterModel,
} from '../utils/dashboard'
import { countiesOption, formsOption, hoursOption, occupancyOption, refusalsOption, youngOption, type ChartLook } from '../utils/dashboardCharts'

/** RETRY_MS is how long to wait before opening a refused stream again. */
const RETRY_MS = 3000

/**
 * User Timing marks of a page load, in DevTools' performance panel and read by `sciweek bench`
 * to tell where the first render's time goes: the stream opened, and its first figures in.
 */
const STREAM_OPEN = 'sciweek:stream-open'
const FIRST_FIGURES = 'sciweek:first-figures'

/** mark records the first time of name only: a reconnection later is not the page's load. */
function mark(name: string) {
  if (typeof performance !== 'undefined' && performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name)
}

export function useLiveDashboard(filter: Ref<DashboardFilterModel>) {
  const router = useRouter()
  const dashboard = shallowRef<Dashboard | null>(null)
  const state = ref<LiveState>('connecting')
  const problem = ref('')

  let stream: LiveStream | null = null
  let retry: ReturnType<typeof setTimeout> | undefined
  let started = false
  let stopped = false
  /** generation tells the current stream's callbacks from those of streams already closed. */
  let generation = 0
  let watching: DashboardFilterModel | null = null

  function connect() {
    clearTimeout(retry)
    stream?.close()
    const gen = ++generation
    const f = { ...filter.value }
    watching = f
    mark(STREAM_OPEN)
    stream = watchDashboard(editionState.id, f, {
      onData(d) {
        if (gen !== generation) return
        if (dashboard.value === null) mark(FIRST_FIGURES)
        dashboard.value = d
        problem.value = ''
      },
      onState(s) {
        if (gen === generation) state.value = s
      },
      onRefused: () => void refused(gen, f),
    })
  }

  // The server closed the stream for good: find out why with a plain request, show the figures
  // it returns, and try the stream again shortly.
  async function refused(gen: number, f: DashboardFilterModel) {
    if (gen !== generation) return
    stream?.close()
    stream = null
    if (stopped) return
    try {
      const d = await getDashboard(editionState.id, f)
      if (gen !== generation) return
      dashboard.value = d
      problem.value = ''
    } catch (err) {
      if (gen !== generation) return
      if (err instanceof ApiError && err.unauthenticated) {
        forgetSession()
        await router.replace(loginRoute(router.currentRoute.value))
        return
      }
      problem.value = `实时数据暂不可用：${err instanceof Error ? err.message : String(err)}`
    }
    if (!stopped && gen === generation) retry = setTimeout(connect, RETRY_MS)
  }

  /** start opens the stream (once the edition is known). */
  function start() {
    if (started || stopped) return
    started = true
    connect()
  }

  function stop() {
    stopped = true
    generation++
    clearTimeout(retry)
    stream?.close()
    stream = null
    state.value = 'closed'
  }

  // A new filter needs a new stream: the server computes one dashboard per filter.
  watch(
    filter,
    (f) => {
      if (!started || stopped || (watching && sameFilter(f, watching))) return
      connect()
    },
    { deep: true },
  )

  onBeforeUnmount(stop)

  return { dashboard, state, problem, start, stop }
}

/** useDashboardPanels derives every panel's rows and chart options from the dashboard. */
export function useDashboardPanels(dashboard: Ref<Dashboard | null>, filter: Ref<DashboardFilterModel>, look: ChartLook) {
  const totals = computed(() => totalsOf(dashboard.value))
  const change = computed(() => dayChange(totals.value.today, totals.value.yesterday))
  const youngShare = computed(() => share(totals.value.young_people, totals.value.participations))
  const counties = computed(() => countyRankingRows(dashboard.value?.counties, editionState.edition?.counties ?? [], filter.value.county_code))
  const hours = computed(() => fillHours(dashboard.value?.by_hour))
  const days = computed(() => dayRows(dashboard.value?.by_day))
  const forms = computed(() => formRows(dashboard.value?.forms))
  const targetGroups = computed(() => targetGroupRows(dashboard.value?.target_groups))
  const themes = computed(() => themeRows(dashboard.value?.themes))
  const refusals = computed(() => refusalRows(dashboard.value?.refusals))
  const occupancy = computed(() => occupancyRows(dashboard.value?.occupancy?.fullest))
  const alarms = computed(() => occupancyRows(dashboard.value?.venues_in_alarm))
  const options = {
    hours: computed(() => hoursOption(hours.value, look)),
    counties: computed(() => countiesOption(counties.value, look)),
    young: computed(() => youngOption(totals.value.young_people, totals.value.participations, look)),
    forms: computed(() => formsOption(forms.value, look)),
    occupancy: computed(() => occupancyOption(occupancy.value, look)),
    refusals: computed(() => refusalsOption(refusals.value, look)),
  }
  return { totals, change, youngShare, counties, hours, days, forms, targetGroups, themes, refusals, occupancy, alarms, options }
}
