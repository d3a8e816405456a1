import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json' with { type: 'json' };
import zhCN from './zh-CN.json' with { type: 'json' };
import { pickLanguage, STORAGE_KEY, type Language } from './language.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys are checked at compile time against the English dictionary; i18n.test.ts keeps
    // the Chinese one in step with it.
    resources: { translation: typeof en };
  }
}

export async function startI18n(): Promise<void> {
  i18n.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    lng: pickLanguage(readSaved(), navigator.languages.length > 0 ? navigator.languages : [navigator.language]),
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes already.
  });
}

export function setLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage can be disabled (private windows); the choice then lasts for this page only.
  }
  void i18n.changeLanguage(language);
}

function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
