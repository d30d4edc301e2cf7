/**
 * Where the dashboard's texts live: one TypeScript dictionary per language (en.ts, pt-BR.ts), chosen over an i18n
 * library such as next-intl because the dashboard has two languages and about two hundred short texts, almost all
 * rendered by client components: a typed object makes a missing or misspelt key, or a wrong parameter, a compile
 * error at the call site (`t.clear.confirmDescription(what)`), needs no build plugin, middleware or message
 * loader, and leaves all number/date formatting to the platform's Intl (components/format.ts). Plurals are the
 * one/other pair both languages need. A third language, or translators working in ICU/JSON files, would tip the
 * balance towards next-intl.
 *
 * Adding a text: add the key to en.ts (its shape is the `Messages` type), then to pt-BR.ts (tsc fails until you
 * do), and read it through `useMessages()` in client components or `messagesFor(locale)` on the server.
 */
import type { Locale } from '../locales';
import en, { type Messages } from './en';
import ptBR from './pt-BR';

export type { Messages };

export const MESSAGES: Record<Locale, Messages> = { 'pt-BR': ptBR, en };

export function messagesFor(locale: Locale): Messages {
  return MESSAGES[locale];
}
