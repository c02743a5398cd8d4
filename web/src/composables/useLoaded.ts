// One read a card or page shows, loaded when it mounts and again whenever what it depends on
// changes (a venue, a filter, the edition picked): a failed read empties the data and says why in
// problem, so the page shows the reason where the data would be instead of stale figures.
import { onMounted, ref, watch, type Ref, type WatchSource } from 'vue'

/**
 * useLoaded keeps fetch's answer in data. what names the data in the problem text
 * (无法读取{what}：…); reloadOn lists what a new fetch follows. load() reads again (刷新).
 */
export function useLoaded<T>(fetch: () => Promise<T>, what: string, reloadOn: WatchSource<unknown>) {
  const data = ref(null) as Ref<T | null>
  const loading = ref(false)
  const problem = ref('')

  async function load() {
    loading.value = true
    try {
      data.value = await fetch()
      problem.value = ''
    } catch (err) {
      data.value = null
      problem.value = `无法读取${what}：${err instanceof Error ? err.message : String(err)}`
    } finally {
      loading.value = false
    }
  }

  onMounted(load)
  watch(reloadOn, load)
  return { data, loading, problem, load }
}
