/** The WebGL renderer's own name (the GPU, or SwiftShader / llvmpipe when drawing in software). */
import type { WebGLRenderer } from 'three';

export function rendererName(gl: WebGLRenderer): string {
  const context = gl.getContext();
  const named = context.getExtension('WEBGL_debug_renderer_info');
  return String(context.getParameter(named ? named.UNMASKED_RENDERER_WEBGL : context.RENDERER));
}
