// H and ?: the command list, from every command's help line, in one segment.
import type { Language } from '../../language.js'
import type { SmsCommand } from '../command.js'
import { smsCopy } from '../../copy/index.js'

/** The H reply: the help lines of `commands`, in their order. */
export function helpText(commands: readonly SmsCommand[], language: Language): string {
  return smsCopy[language].help(commands.flatMap((c) => (c.help === null ? [] : [c.help[language]])))
}

export const help: SmsCommand = {
  id: 'help',
  name: 'H',
  aliases: ['?'],
  help: null,
  stateless: true,
  answer: async ({ commands, language }) => helpText(commands, language),
}
