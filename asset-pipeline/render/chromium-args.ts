/**
 * How Chromium is started here (as root, headless, offline): no sandbox (root), no background network
 * traffic (the network is closed; Chromium would retry), and WebGL in software through SwiftShader.
 */
export const CHROMIUM_ARGS: string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];
