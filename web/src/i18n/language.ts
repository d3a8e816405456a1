/** The languages of the web app, each named in itself (a language switch must be readable by those who need it). */
export const LANGUAGES = { 'zh-CN': '中文', en: 'English' } as const;
export type Language = keyof typeof LANGUAGES;

export const STORAGE_KEY = 'reservoir.language';

export function isLanguage(value: string): value is Language {
  return Object.hasOwn(LANGUAGES, value);
}

/**
 * The language to start in: the one chosen before on this device, else the first of the
 * browser's preferred languages that we have (any Chinese reads Simplified Chinese best of
 * the two), else English.
 */
export function pickLanguage(saved: string | null, preferred: readonly string[]): Language {
  if (saved && isLanguage(saved)) return saved;
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return 'en';
}
