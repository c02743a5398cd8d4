// Which edition a page starts on when the address does not name one.
import type { Edition, EditionContact } from '../api/types'

const editionIdPattern = /^[a-z0-9-]{1,32}$/

/** validEditionId accepts an edition id as the API does. */
export function validEditionId(id: unknown): id is string {
  return typeof id === 'string' && editionIdPattern.test(id)
}

/**
 * pickConsoleEdition chooses the console's edition among the known ones (newest first): the one
 * the address names, else the one remembered in this browser, else the preferred default, else
 * the newest. It returns "" when there are no editions to choose from.
 */
export function pickConsoleEdition(editions: readonly Edition[], named: string, remembered: string, preferred: string): string {
  for (const id of [named, remembered, preferred]) {
    if (id && editions.some((e) => e.id === id)) return id
  }
  return editions[0]?.id ?? ''
}

/**
 * pickPublicEdition chooses what the public sees: the edition running today, else the next one
 * to start, else the newest. Dates are YYYY-MM-DD, so they compare as text.
 */
export function pickPublicEdition(editions: readonly Edition[], today: string): string {
  const running = editions.filter((e) => e.starts_on <= today && today <= e.ends_on)
  if (running.length > 0) return [...running].sort((a, b) => b.starts_on.localeCompare(a.starts_on))[0]!.id
  const upcoming = editions.filter((e) => e.starts_on > today).sort((a, b) => a.starts_on.localeCompare(b.starts_on))
  if (upcoming.length > 0) return upcoming[0]!.id
  return editions[0]?.id ?? ''
}

/**
 * contactLine writes an edition's contact for the week as the report pages and the reminder
 * e-mails show it: "联系人：市科技局国际合作办公室 王宏颖 电话 4222068 邮箱 …", leaving out the
 * parts not given; "" when none is.
 */
export function contactLine(c: EditionContact | null | undefined): string {
  if (!c) return ''
  const parts: string[] = []
  const who = `${c.office} ${c.person}`.trim()
  if (who) parts.push(`联系人：${who}`)
  if (c.phone) parts.push(`电话 ${c.phone}`)
  if (c.email) parts.push(`邮箱 ${c.email}`)
  return parts.join(' ')
}

/**
 * contactPhonePattern accepts what the API accepts for the contact's phone: a landline as dialled
 * locally or with its area code (4222068, 0351-4222068, with an optional -extension) or an
 * 11-digit mobile number.
 */
export const contactPhonePattern = /^(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?$|^1[3-9][0-9]{9}$/

/** contactEmailPattern is a plain mailbox address: one @ and a dotted domain. */
export const contactEmailPattern = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/
