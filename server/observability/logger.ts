import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/app-config.js';

/** Whether logs are readable lines (a terminal, or LOG_FORMAT=pretty) rather than JSON lines. */
export function isPrettyLogging(config: Pick<AppConfig, 'logFormat'>, stdout = process.stdout): boolean {
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && stdout.isTTY === true);
}

/**
 * Logs on stdout: JSON lines (pino) for machines, or — on a terminal — short readable lines through
 * pino-pretty, written synchronously so nothing is lost at exit. Secrets in headers are redacted either way.
 */
export function createLogger(
  config: Pick<AppConfig, 'logLevel'> & Partial<Pick<AppConfig, 'logFormat'>>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'mib-server', pid: process.pid },
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (isPrettyLogging({ logFormat: config.logFormat ?? 'json' }))
    return pino(
      options,
      pretty({
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'pid,hostname,service,context',
        singleLine: true,
      }),
    );
  return pino(options);
}
