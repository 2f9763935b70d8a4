// Numbered menus and the short conversation they open: TOPICS (or SUB alone) shows one, MORE continues it, a number answers it.
import { confirmFirstSubscription } from '../phones/queries.js'
import { normalizeTopicKey } from '../topics/keys.js'
import { openTopicsPage, subscribe } from '../topics/queries.js'
import type { CommandRequest } from './command.js'
import { MENU_LIMIT, openMenu, saveMenu, type Menu } from './conversations.js'

/** Topics read for one menu page; as many of them as fit in one segment are shown. */
const PAGE_SIZE = 8

const expiry = (request: CommandRequest) => new Date(request.now.getTime() + request.settings.conversationMinutes * 60_000)

/** TOPICS and SUB alone: the first page, numbered from 1; a new conversation. */
export async function startMenu(request: CommandRequest): Promise<string> {
  const page = await openTopicsPage(request.db, undefined, PAGE_SIZE)
  if (page.topics.length === 0) return request.copy.noTopics
  const { text, shown } = request.copy.menu(
    page.topics.map((t, i) => ({ key: t.key, title: t.title, number: i + 1 })),
    page.remaining,
  )
  await saveMenu(request.db, request.phone, { first: 1, keys: page.topics.slice(0, shown).map((t) => t.key) }, expiry(request))
  return text
}

/** MORE: the topics after the last one shown, numbered on; past MENU_LIMIT numbers the oldest stop working. */
export async function continueMenu(request: CommandRequest): Promise<string> {
  const menu = await openMenu(request.db, request.phone, request.now)
  if (menu === undefined) return request.copy.noMenu
  const next = menu.first + menu.keys.length
  const page = await openTopicsPage(request.db, menu.keys.at(-1), PAGE_SIZE)
  if (page.topics.length === 0) {
    await saveMenu(request.db, request.phone, menu, expiry(request))
    return request.copy.menuDone(menu.first, next - 1)
  }
  const { text, shown } = request.copy.menu(
    page.topics.map((t, i) => ({ key: t.key, title: t.title, number: next + i })),
    page.remaining,
  )
  const keys = [...menu.keys, ...page.topics.slice(0, shown).map((t) => t.key)]
  const dropped = Math.max(0, keys.length - MENU_LIMIT)
  await saveMenu(request.db, request.phone, { first: menu.first + dropped, keys: keys.slice(dropped) }, expiry(request))
  return text
}

/** A reply that is just a number: the listed topic is subscribed to; undefined when no conversation is open. */
export async function answerNumber(request: CommandRequest, number: number): Promise<string | undefined> {
  const menu: Menu | undefined = await openMenu(request.db, request.phone, request.now)
  if (menu === undefined) return undefined
  // The conversation goes on: someone may pick several topics, one number at a time.
  await saveMenu(request.db, request.phone, menu, expiry(request))
  const key = menu.keys[number - menu.first]
  if (key === undefined) return request.copy.menuRange(menu.first, menu.first + menu.keys.length - 1)
  return subscribeTo(request, key)
}

/**
 * SUB <topic> and a menu number: subscribes within MAX_SUBSCRIPTIONS. The first subscription a phone ever makes is
 * confirmed with the program identity and how to stop (CTIA's opt-in confirmation).
 */
export async function subscribeTo(request: CommandRequest, key: string): Promise<string> {
  const { db, phone, now, copy, settings } = request
  const result = await subscribe(db, phone, key, settings.maxSubscriptions, now)
  if (result.status === 'noSuchTopic') return copy.noSuchTopic(normalizeTopicKey(key))
  if (result.status === 'limit') return copy.tooManySubscriptions(settings.maxSubscriptions)
  if (result.status === 'already') return copy.alreadySubscribed(result.topic.key)
  const { first, optedOut } = await confirmFirstSubscription(db, phone, now, { via: 'reply' })
  return copy.subscribed(result.topic, optedOut, first ? copy.identity(settings.program) : undefined)
}
