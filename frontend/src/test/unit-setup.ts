/** Plain-module tests (Node): i18next in English, so the words they check do not depend on the machine's language. */
import { initI18n } from '../i18n';

initI18n('en');
