/** Waiting for a forked helper process (a bot process) to say something over IPC. */
import type { ChildProcess } from 'node:child_process';

/**
 * Resolves with the child's next message of `type`; rejects when it reports `{ type: 'error' }` or says
 * nothing of that type within `timeoutMs`.
 */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`bench: a bot process sent no '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: { type: string; message?: string } & T): void => {
      if (message.type === 'error') {
        clearTimeout(timer);
        child.off('message', onMessage);
        reject(new Error(`bench: a bot process failed: ${message.message}`));
      } else if (message.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
  });
}
