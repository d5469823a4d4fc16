/**
 * The high preset's post-processing: ambient occlusion (GTAO: contact shadows where things meet the
 * ground and each other) and a soft glow on the brightest parts (bloom), then tone mapping and colour
 * output. Its code is a chunk of its own, fetched when the setting is first turned on (PostEffects.tsx).
 */
import { Vector2, type Camera, type Scene, type WebGLRenderer } from 'three';
import { EffectComposer } from 'three/examples/jsm/postprocessing/EffectComposer.js';
import { GTAOPass } from 'three/examples/jsm/postprocessing/GTAOPass.js';
import { OutputPass } from 'three/examples/jsm/postprocessing/OutputPass.js';
import { RenderPass } from 'three/examples/jsm/postprocessing/RenderPass.js';
import { UnrealBloomPass } from 'three/examples/jsm/postprocessing/UnrealBloomPass.js';

/** Bloom: only what is brighter than white after lighting glows, faintly. */
const BLOOM = { strength: 0.25, radius: 0.4, threshold: 0.95 };

export interface PostEffects {
  render(deltaSeconds: number): void;
  /** CSS pixels and the renderer's pixel ratio. */
  setSize(width: number, height: number, pixelRatio: number): void;
  dispose(): void;
}

export function createPostEffects(renderer: WebGLRenderer, scene: Scene, camera: Camera): PostEffects {
  const composer = new EffectComposer(renderer);
  const size = renderer.getSize(new Vector2());
  composer.addPass(new RenderPass(scene, camera));
  const occlusion = new GTAOPass(scene, camera, size.x, size.y);
  occlusion.output = GTAOPass.OUTPUT.Default;
  composer.addPass(occlusion);
  composer.addPass(new UnrealBloomPass(size.clone(), BLOOM.strength, BLOOM.radius, BLOOM.threshold));
  composer.addPass(new OutputPass());
  return {
    render: (deltaSeconds) => composer.render(deltaSeconds),
    setSize(width, height, pixelRatio) {
      composer.setPixelRatio(pixelRatio);
      composer.setSize(width, height);
    },
    dispose() {
      for (const pass of composer.passes) pass.dispose();
      composer.dispose();
    },
  };
}
