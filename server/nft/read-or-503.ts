import { ChainUnreadableError } from '../../nft-bridge/index.js';
import { Problem } from '../control-plane/index.js';

/** A chain read that fails becomes 503 with the reason (callers fail closed). */
export async function readOr503<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ChainUnreadableError)
      throw Problem.unavailable(`${error.message}; try again shortly`);
    throw error;
  }
}
