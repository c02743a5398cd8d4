// Refusal reasons (the RefusalReason enum's names without the REFUSAL_REASON_ prefix) and the
// words the door shows for them.

import type { Category } from './types'

export type Reason =
  | 'ALREADY_CHECKED_IN'
  | 'INVALID_SIGNATURE'
  | 'WRONG_VENUE'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'REVOKED'
  | 'ACTIVITY_NOT_OPEN'
  | 'TIME_OUT_OF_RANGE'

const TEXT: Record<Reason, string> = {
  ALREADY_CHECKED_IN: '已入场',
  INVALID_SIGNATURE: '无效票（签名不符）',
  WRONG_VENUE: '不是本场馆的活动',
  NOT_YET_VALID: '票未到入场时间',
  EXPIRED: '票已过期',
  REVOKED: '票已作废',
  ACTIVITY_NOT_OPEN: '活动未开放',
  TIME_OUT_OF_RANGE: '时间异常（请检查设备时钟）',
}

/** reasonText is the plain Chinese of a reason; unknown reasons read as a generic refusal. */
export function reasonText(reason: string | undefined): string {
  return (reason && TEXT[reason as Reason]) || '拒绝入场'
}

/** alreadyText is "已入场 10:02 于 2号门" (the door defaults to 其他检票口). */
export function alreadyText(time: string | undefined, door: string | undefined): string {
  return `已入场${time ? ` ${time}` : ''} 于 ${door || '其他检票口'}`
}

/** holderText names a ticket's holder, when the ticket says. */
export function holderText(holder: number | undefined): string {
  return holder === 1 ? '青少年' : holder === 2 ? '成人' : ''
}

export const CATEGORIES: { key: 'young' | 'adult' | 'worker' | 'volunteer'; category: Category; label: string }[] = [
  { key: 'young', category: 'PARTICIPANT_CATEGORY_YOUNG_PERSON', label: '青少年' },
  { key: 'adult', category: 'PARTICIPANT_CATEGORY_ADULT', label: '成人' },
  { key: 'worker', category: 'PARTICIPANT_CATEGORY_SCIENCE_WORKER', label: '科技工作者' },
  { key: 'volunteer', category: 'PARTICIPANT_CATEGORY_VOLUNTEER', label: '志愿者' },
]

export function categoryLabel(c: Category | undefined): string {
  return CATEGORIES.find((x) => x.category === c)?.label ?? ''
}
