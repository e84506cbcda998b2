/**
 * Offline schema validation of the Kubernetes manifests in deploy/k8s: every document is checked
 * against the OpenAPI schema of its kind (kubernetes-models for the built-in kinds,
 * @kubernetes-models/keda and @kubernetes-models/prometheus-operator for the CRDs), with no
 * cluster. Types, required fields, enums and patterns are checked; like kubeconform without
 * -strict, fields the schema does not know are not reported (`kubectl apply --dry-run=server`
 * catches those on a cluster). Run by tests/deploy/kubernetes-manifests.test.ts and by hand:
 *
 *   npx tsx deploy/k8s/validate-manifests.ts [file.yaml ...]    (default: deploy/k8s/*.yaml)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

/** One parsed document of a manifest file. */
export interface Manifest {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** The kinds deploy/k8s may use, by `apiVersion/kind`. */
const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** The folder of the manifests. */
export const MANIFEST_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The manifest files of a folder (`.yaml`, `.yml`), sorted. */
export function manifestFiles(dir: string = MANIFEST_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Parses every YAML document of `text`; throws on a YAML error or a document that is not an object. */
export function parseManifests(text: string, file: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const body = doc.toJS() as unknown;
    if (body === null || body === undefined) continue;
    if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`${file}: a document is not a mapping`);
    const b = body as Record<string, unknown>;
    const meta = (b.metadata ?? {}) as Record<string, unknown>;
    out.push({ file, apiVersion: String(b.apiVersion), kind: String(b.kind), name: String(meta.name), body: b });
  }
  return out;
}

/** The schema violations of one document, as `file kind/name: message` lines (empty when valid). */
export function validateManifest(m: Manifest): string[] {
  const where = `${m.file} ${m.kind}/${m.name}`;
  const Model = MODELS[`${m.apiVersion}/${m.kind}`];
  if (!Model) return [`${where}: no schema for apiVersion ${m.apiVersion} kind ${m.kind}`];
  try {
    new Model(m.body as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** Parses and validates files; returns the manifests and every problem found. */
export function validateFiles(files: readonly string[]): { manifests: Manifest[]; problems: string[] } {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      const docs = parseManifests(readFileSync(file, 'utf-8'), file);
      manifests.push(...docs);
      for (const m of docs) problems.push(...validateManifest(m));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { manifests, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const { manifests, problems } = validateFiles(args.length > 0 ? args.map((a) => resolve(a)) : manifestFiles());
  for (const p of problems) console.error(p);
  console.log(`${manifests.length} documents, ${problems.length} problems`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
