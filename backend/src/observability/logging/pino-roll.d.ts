/** Types for pino-roll 4 (the package ships none): the options we use and the SonicBoom it resolves to. */
declare module 'pino-roll' {
  interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    symlink?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    dateFormat?: string;
    mkdir?: boolean;
    sync?: boolean;
    minLength?: number;
    maxLength?: number;
    periodicFlush?: number;
  }
  interface RollingFileStream {
    /** The file currently written. */
    readonly file: string;
    /** -1 until the file is open ('ready'). */
    readonly fd: number;
    write(data: string): boolean;
    flushSync(): void;
    end(): void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    once(event: string, listener: (...args: unknown[]) => void): this;
  }
  export default function pinoRoll(options: PinoRollOptions): Promise<RollingFileStream>;
}
