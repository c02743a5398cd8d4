// The signed-in person's unread notices, polled for the header's bell and shared with the
// notification centre's page.
import { reactive } from 'vue'
import { listNotices } from './api/notices'
import { session } from './session'
import { noticeRoles } from './utils/access'

export const noticeState = reactive({ unread: 0 })

let timer: ReturnType<typeof setInterval> | undefined

/** refreshUnread reads the unread count again; a failure keeps the last one. */
export async function refreshUnread(): Promise<void> {
  if (!session.role || !noticeRoles.includes(session.role)) return
  try {
    noticeState.unread = (await listNotices(1, true)).unread
  } catch {
    // The bell shows the last count; the next poll tries again.
  }
}

/** watchUnread polls the unread count every minute while the console is open. */
export function watchUnread(): () => void {
  void refreshUnread()
  clearInterval(timer)
  timer = setInterval(() => void refreshUnread(), 60_000)
  return () => clearInterval(timer)
}
