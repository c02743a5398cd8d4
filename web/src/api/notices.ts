// NoticeService: the notification centre (reminders and notices for the signed-in person, their
// unread count, read marks) and where they are e-mailed.
import { api } from './http'
import type { Notice } from './types'

export interface NoticeList {
  notices: Notice[]
  unread: number
}

/** listNotices reads the caller's notices, newest first; quiet, the bell polls it. */
export async function listNotices(limit = 50, unreadOnly = false): Promise<NoticeList> {
  const resp = await api.get<{ notices?: Notice[]; unread?: number }>('/api/v1/notices', { quiet: true, query: { limit, unread_only: unreadOnly } })
  return { notices: resp.notices ?? [], unread: resp.unread ?? 0 }
}

/** markNoticesRead marks the notices named read, or all of them; it returns the unread left. */
export async function markNoticesRead(ids: string[], all = false): Promise<number> {
  const resp = await api.post<{ unread?: number }>('/api/v1/notices:read', { notice_ids: ids, all })
  return resp.unread ?? 0
}

export interface NoticeSettings {
  email: string
  smsAvailable: boolean
}

export async function getNoticeSettings(): Promise<NoticeSettings> {
  const resp = await api.get<{ email?: string; sms_available?: boolean }>('/api/v1/notice-settings', { quiet: true })
  return { email: resp.email ?? '', smsAvailable: resp.sms_available ?? false }
}

/** setNoticeSettings sets (or, empty, clears) the address the caller's notices are e-mailed to. */
export async function setNoticeSettings(email: string): Promise<string> {
  const resp = await api.put<{ email?: string }>('/api/v1/notice-settings', { email })
  return resp.email ?? ''
}
