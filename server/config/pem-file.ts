/** A config variable naming a PEM certificate file: read at boot, refused with the fix when unusable. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The file's PEM text (paths relative to the working directory). */
export const pemFileSchema = z
  .string()
  .min(1)
  .transform((file, context) => {
    let pem: string;
    try {
      pem = readFileSync(path.resolve(file), 'utf8');
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `cannot be read (${(error as Error).message}); give the path of a PEM certificate file`,
      });
      return z.NEVER;
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      context.addIssue({ code: 'custom', message: 'must be a PEM file of certificates (BEGIN CERTIFICATE)' });
      return z.NEVER;
    }
    return pem;
  });
