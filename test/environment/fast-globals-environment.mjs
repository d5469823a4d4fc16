/**
 * Jest's node environment with an ordinary global object.
 *
 * Jest runs each test file in a `vm` context made from a Proxy, and V8 reaches a contextified global only
 * through interceptors: in a hot loop every `Math.max` or `Number.isFinite` then costs ~50× what it costs
 * outside Jest (jestjs/jest#5163, nodejs/node#31658). Code under test — the asset pipeline's rasterizer,
 * gltf-transform, the room simulation — ran 5–10× slower in the suite than in production. Node 22.8+
 * creates a context whose global is a plain object (`vm.constants.DONT_CONTEXTIFY`), where globals are as
 * fast as in the main context; this environment is Jest's own with that context. What it gives up: Jest's
 * proxy that deletes globals a test file set, at teardown (the whole context is dropped then anyway).
 */
import { createRequire } from 'node:module';
import { TestEnvironment } from 'jest-environment-node';

// The very module object jest-environment-node requires (an ESM import of node:vm would be a copy).
const vm = createRequire(import.meta.url)('node:vm');

if (vm.constants?.DONT_CONTEXTIFY === undefined) {
  throw new Error(
    `test environment: Node ${process.versions.node} has no vm.constants.DONT_CONTEXTIFY; run the tests on the project's Node 24 (npm test)`,
  );
}

export default class FastGlobalsEnvironment extends TestEnvironment {
  constructor(config, context) {
    const createContext = vm.createContext;
    // Jest's constructor calls vm.createContext(proxy) once; hand it an ordinary-global context instead.
    vm.createContext = () => createContext(vm.constants.DONT_CONTEXTIFY);
    try {
      super(config, context);
    } finally {
      vm.createContext = createContext;
    }
  }
}
