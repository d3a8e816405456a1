import { useCallback, useSyncExternalStore } from 'react';
import { pickLanguage, STORAGE_KEY, type Language } from '../../i18n/language.js';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };

/*
 * The customer pages' own few lines of i18n: two small dictionaries and a lookup, instead of
 * i18next, so a phone on a slow network downloads as little as possible. Keys are checked at
 * compile time against the English dictionary; i18n.test.ts keeps the Chinese one in step.
 */

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type Key = Leaves<typeof en>;
export type T = (key: Key, values?: Record<string, string | number>) => string;

const dictionaries: Record<Language, object> = { en, 'zh-CN': zhCN };

let current: Language = pickLanguage(readSaved(), typeof navigator === 'undefined' ? [] : navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
const listeners = new Set<() => void>();

export function translate(language: Language, key: Key, values: Record<string, string | number> = {}): string {
  let node: unknown = dictionaries[language];
  for (const part of key.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  const text = typeof node === 'string' ? node : key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function setLanguage(language: Language): void {
  current = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage can be disabled (private windows); the choice then lasts for this page only.
  }
  document.documentElement.lang = language;
  for (const listener of listeners) listener();
}

/** The language of the page and `t` in it; components using it redraw when it changes. */
export function useT(): { t: T; language: Language } {
  const language = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
  const t = useCallback<T>((key, values) => translate(language, key, values), [language]);
  return { t, language };
}

export function startLanguage(): void {
  document.documentElement.lang = current;
}

function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
