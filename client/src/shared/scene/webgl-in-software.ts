/**
 * Whether this browser's WebGL draws in software (SwiftShader, llvmpipe: no GPU), asked of a throwaway
 * context before the view's own canvas exists, so the canvas can be made for it (resolution,
 * antialiasing) rather than changed after. Asked once per page.
 */
import { isSoftwareRenderer } from './model-detail.js';

let software: boolean | undefined;

export function webglInSoftware(): boolean {
  if (software === undefined) {
    const context = document.createElement('canvas').getContext('webgl2');
    const named = context?.getExtension('WEBGL_debug_renderer_info');
    const name = context
      ? String(context.getParameter(named ? named.UNMASKED_RENDERER_WEBGL : context.RENDERER))
      : '';
    software = isSoftwareRenderer(name);
    context?.getExtension('WEBGL_lose_context')?.loseContext(); // give the browser's context slot back
  }
  return software;
}
