// Every command, in one list: the parser finds them here by name and alias, H lists their help lines in this order,
// and typo suggestions come from their names. A new command is a module in this folder, added here.
import type { SmsCommand } from '../command.js'
import { help } from './help.js'
import { languageCommand } from './language.js'
import { list } from './list.js'
import { more } from './more.js'
import { quiet } from './quiet.js'
import { settings } from './settings.js'
import { signup } from './signup.js'
import { subscribeCommand } from './subscribe.js'
import { timeZone } from './time-zone.js'
import { topics } from './topics.js'
import { unsubscribeCommand } from './unsubscribe.js'

export const COMMANDS: readonly SmsCommand[] = [
  help,
  subscribeCommand,
  unsubscribeCommand,
  list,
  topics,
  more,
  signup,
  quiet,
  timeZone,
  settings,
  languageCommand,
]
