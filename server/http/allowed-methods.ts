/**
 * The methods the API documents for a request path, read from the OpenAPI document, so a request with a
 * method a path does not take is answered 405 with `Allow` (RFC 9110 §15.5.6) instead of 404.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { HTTP_METHODS } from '../control-plane/index.js';

interface PathMethods {
  pattern: RegExp;
  methods: string[];
}

/** `/worlds/{slug}/scene` → a pattern matching one non-empty segment per parameter. */
function templatePattern(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

export class AllowedMethods {
  private table?: PathMethods[];

  /** `document` is asked once, on the first lookup (building it walks every controller). */
  constructor(private readonly document: () => OpenAPIObject) {}

  /**
   * The documented methods (upper case, HEAD with GET) of the paths `path` matches; undefined when it
   * matches none (then a 404 is the right answer).
   */
  for(path: string): string[] | undefined {
    this.table ??= Object.entries(this.document().paths).map(([template, item]) => ({
      pattern: templatePattern(template),
      methods: HTTP_METHODS.filter((method) => item[method]).map((method) => method.toUpperCase()),
    }));
    const methods = new Set(this.table.filter((entry) => entry.pattern.test(path)).flatMap((e) => e.methods));
    if (methods.size === 0) return undefined;
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}
