// Paging through a list the services hand out a page at a time (page_size, page_token): the
// console keeps the token of every page fetched so that 上一页 goes back without the server's help.
import { computed, ref, type Ref } from 'vue'

/** PageOf is one page a list RPC answered: its items and the next page's token ('' on the last). */
export interface PageOf<T> {
  items: T[] | undefined
  next: string
}

/**
 * useTokenPages loads the pages fetch returns for a page token. A failed load shows an empty
 * page (the request has already shown its error). first() starts over, as a new filter does.
 */
export function useTokenPages<T>(fetch: (pageToken: string) => Promise<PageOf<T>>) {
  const items = ref([]) as Ref<T[]>
  const loading = ref(false)
  /** tokens[i] fetched page i+1; the last one is the page shown. */
  const tokens = ref<string[]>([''])
  const nextToken = ref('')
  const page = computed(() => tokens.value.length)

  async function load() {
    loading.value = true
    try {
      const resp = await fetch(tokens.value[tokens.value.length - 1])
      items.value = resp.items ?? []
      nextToken.value = resp.next
    } catch {
      items.value = []
      nextToken.value = ''
    } finally {
      loading.value = false
    }
  }

  function first() {
    tokens.value = ['']
    void load()
  }
  function next() {
    tokens.value.push(nextToken.value)
    void load()
  }
  function previous() {
    tokens.value.pop()
    void load()
  }

  return { items, loading, page, nextToken, load, first, next, previous }
}
