/** Types for the Khronos glTF validator's npm build (it ships none). Only what we use. */
declare module 'gltf-validator' {
  export interface ValidatorMessage {
    code: string;
    message: string;
    /** 0 error, 1 warning, 2 info, 3 hint. */
    severity: 0 | 1 | 2 | 3;
    pointer?: string;
    offset?: number;
  }
  export interface ValidatorResource {
    pointer: string;
    mimeType?: string;
    storage: string;
    byteLength?: number;
    uri?: string;
    image?: { width: number; height: number; format?: string; bits?: number };
  }
  export interface ValidationReport {
    issues: {
      numErrors: number;
      numWarnings: number;
      numInfos: number;
      numHints: number;
      messages: ValidatorMessage[];
      truncated: boolean;
    };
    info?: {
      resources?: ValidatorResource[];
      totalTriangleCount?: number;
      drawCallCount?: number;
      materialCount?: number;
      hasSkins?: boolean;
      extensionsUsed?: string[];
    };
  }
  export interface ValidationOptions {
    uri?: string;
    format?: 'glb' | 'gltf';
    maxIssues?: number;
    ignoredIssues?: string[];
    severityOverrides?: Record<string, number>;
    externalResourceFunction?: (uri: string) => Promise<Uint8Array>;
    writeTimestamp?: boolean;
  }
  export function validateBytes(data: Uint8Array, options?: ValidationOptions): Promise<ValidationReport>;
  export function version(): string;
  const validator: { validateBytes: typeof validateBytes; version: typeof version };
  export default validator;
}

/** draco3dgltf ships no types; gltf-transform only needs the module objects. */
declare module 'draco3dgltf' {
  const draco3d: {
    createDecoderModule(options?: object): Promise<unknown>;
    createEncoderModule(options?: object): Promise<unknown>;
  };
  export default draco3d;
}
