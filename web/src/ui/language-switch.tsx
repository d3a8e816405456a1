import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n/index.js';
import { LANGUAGES, type Language } from '../i18n/language.js';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {(Object.keys(LANGUAGES) as Language[]).map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          aria-pressed={i18n.resolvedLanguage === language}
          onClick={() => setLanguage(language)}
        >
          {LANGUAGES[language]}
        </button>
      ))}
    </div>
  );
}
