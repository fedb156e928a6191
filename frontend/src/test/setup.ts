/** Component tests: jest-dom's matchers (toBeDisabled, toHaveTextContent…) and a clean document after each test. */
import '@testing-library/jest-dom/vitest';
import { initI18n } from '../i18n';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Component tests read English, whatever the machine's language.
initI18n('en');
afterEach(() => cleanup());
