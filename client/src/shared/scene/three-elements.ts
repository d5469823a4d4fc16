/**
 * The three.js classes the apps use as JSX elements (`<mesh>`, `<ringGeometry>`, …) — R3F's catalogue.
 * R3F's <Canvas> registers the whole `three` namespace, which keeps every class of three in the bundle
 * (38 kB gzipped more in the player's first download); the build (client/vite.config.ts, `threeElements`) hands
 * it this module instead, and the render page registers it itself. An element used in JSX but missing
 * here fails at run time ("… is not part of the THREE namespace"): add it here;
 * test/client/three-elements.test.ts checks every app's JSX against this list.
 */
export {
  AmbientLight,
  Box3Helper,
  BoxGeometry,
  CircleGeometry,
  ConeGeometry,
  CylinderGeometry,
  DirectionalLight,
  GridHelper,
  Group,
  HemisphereLight,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  MeshStandardMaterial,
  OctahedronGeometry,
  PlaneGeometry,
  PointLight,
  RingGeometry,
  SphereGeometry,
  SpotLight,
  TorusGeometry,
} from 'three';
