/**
 * Kustomize, pinned: the same renderer `kubectl apply -k` embeds, built from its Go module by
 * `npm run services` (scripts/go-install.sh) into a folder outside the checkout that names the version.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const KUSTOMIZE_MODULE = 'sigs.k8s.io/kustomize/kustomize/v5';
export const KUSTOMIZE_VERSION = 'v5.7.1';

/** A rendered Kubernetes object: what every manifest test reads. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function kustomizeBinary(): string {
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const binary = path.join(cache, 'metaverse-in-a-box', `kustomize-${KUSTOMIZE_VERSION}`, 'kustomize');
  if (!existsSync(binary))
    throw new Error(
      `Kustomize ${KUSTOMIZE_VERSION} is not built (${binary}): run \`npm run services\` (it builds it with go install)`,
    );
  return binary;
}

/** Renders a kustomization directory; throws with Kustomize's own message when it refuses. */
export function kustomizeBuild(dir: string): KubeObject[] {
  let output: string;
  try {
    output = execFileSync(kustomizeBinary(), ['build', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`kustomize build ${dir} failed: ${stderr.trim() || (error as Error).message}`, {
      cause: error,
    });
  }
  return parseAllDocuments(output).map((doc) => doc.toJS() as KubeObject);
}
