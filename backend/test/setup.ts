/** Runs before every test file: tests log nothing unless TEST_LOG_LEVEL asks for it. */
import { createLogger, setLogger } from '../src/observability/logging/logger';

setLogger(createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', version: 'test', environment: 'test' }));
