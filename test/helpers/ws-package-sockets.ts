/**
 * Imported first by a test file, before anything loads @colyseus/sdk: the SDK then opens its sockets with
 * the `ws` package instead of Node's WHATWG WebSocket, which (as in browsers) refuses to send close codes
 * other than 1000 and 3000–4999 — so a test can close a socket the way a browser does as a page unloads
 * (1001, "going away").
 */
(globalThis as { WebSocket?: unknown }).WebSocket = undefined;
