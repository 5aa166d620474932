import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GRADING_QUEUES } from '@epoch/contracts';
import { describe, expect, it } from 'vitest';
import { isRecord, readRepoFile, readYamlDocuments, repoRoot } from './support';

const DIR = 'deploy/k8s';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  file: string;
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, { name?: string; key?: string }> }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  ports?: { name?: string; containerPort: number }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: { key?: string; effect?: string }[];
}
interface Workload extends Manifest {
  spec: { selector?: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

/**
 * Validates a manifest with the Kubernetes models (and their JSON-schema validators) of its apiVersion and kind:
 * kubernetes-models for the built-in API, @kubernetes-models/keda for KEDA's CRDs. An unknown kind is an error.
 */
async function validateManifest(m: Record<string, unknown>): Promise<void> {
  const apiVersion = String(m['apiVersion']);
  const kind = String(m['kind']);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = group === 'keda.sh' ? '@kubernetes-models/keda/keda.sh' : group ? `kubernetes-models/${group}` : 'kubernetes-models';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(`${pkg}/${version}/${kind}`)) as Record<string, unknown>;
  } catch {
    throw new Error(`no schema for ${apiVersion} ${kind}`);
  }
  const Model = mod[kind] as new (data: unknown) => { validate(): void };
  new Model(m).validate();
}

function loadAll(): Manifest[] {
  const kustomization = readYamlDocuments(`${DIR}/kustomization.yaml`)[0] as { resources: string[] };
  return kustomization.resources.flatMap((file) => readYamlDocuments(`${DIR}/${file}`).map((d) => ({ ...(d as Omit<Manifest, 'file'>), file })));
}

const manifests = loadAll();
/** The Secret's documented shape (secret.example.yaml): created out of band, never applied from the repository. */
const SECRET_EXAMPLE = 'secret.example.yaml';
const outOfBandSecrets = readYamlDocuments(`${DIR}/${SECRET_EXAMPLE}`).map((d) => ({ ...(d as Omit<Manifest, 'file'>), file: SECRET_EXAMPLE }));
const secretNamed = (name: string) => {
  const m = outOfBandSecrets.find((x) => x.kind === 'Secret' && x.metadata.name === name);
  if (!m) throw new Error(`no Secret ${name} in ${DIR}/${SECRET_EXAMPLE}`);
  return m;
};
interface CronJob extends Manifest {
  spec: { schedule: string; concurrencyPolicy?: string; jobTemplate: { spec: Workload['spec'] } };
}
/** A CronJob's pods, seen as a workload's. */
const asWorkload = (c: CronJob): Workload => ({ ...c, spec: c.spec.jobTemplate.spec }) as Workload;
const byKind = <T extends Manifest = Manifest>(kind: string) => manifests.filter((m) => m.kind === kind) as T[];
const named = <T extends Manifest = Manifest>(kind: string, name: string) => {
  const m = manifests.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name} in ${DIR}`);
  return m as T;
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe(`${DIR}/kustomization.yaml`, () => {
  it('lists every manifest of the folder, and only existing ones (examples excepted)', () => {
    const files = readdirSync(join(repoRoot, DIR))
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && !f.endsWith('.example.yaml'))
      .sort();
    const listed = (readYamlDocuments(`${DIR}/kustomization.yaml`)[0] as { resources: string[] }).resources;
    expect([...listed].sort()).toEqual(files);
  });

  it('applies no Secret from the repository: secret.example.yaml only documents the keys of the one you create', () => {
    const listed = (readYamlDocuments(`${DIR}/kustomization.yaml`)[0] as { resources: string[] }).resources;
    expect(listed).not.toContain(SECRET_EXAMPLE);
    expect(byKind('Secret')).toEqual([]);
    expect(JSON.stringify(manifests)).not.toMatch(/CHANGE_ME/);
    expect(outOfBandSecrets.map((m) => [m.kind, m.metadata.name])).toEqual([['Secret', 'epoch-secrets']]);
    expect(readRepoFile(`${DIR}/${SECRET_EXAMPLE}`)).toMatch(/kubectl -n epoch create secret generic epoch-secrets/);
  });

  it('maps every image the manifests use to a registry and tag', () => {
    const images = (readYamlDocuments(`${DIR}/kustomization.yaml`)[0] as { images: { name: string; newTag: string }[] }).images;
    const used = new Set(
      byKind<Workload>('Deployment')
        .concat(byKind<Workload>('Job'), byKind<CronJob>('CronJob').map(asWorkload))
        .flatMap((w) => [...w.spec.template.spec.containers, ...(w.spec.template.spec.initContainers ?? [])])
        .map((c) => c.image.split(':')[0]!),
    );
    expect([...used].sort()).toEqual(images.map((i) => i.name).sort());
    for (const i of images) expect(i.newTag, i.name).not.toBe('latest');
  });
});

describe(`${DIR}: every manifest against its Kubernetes schema`, () => {
  it('validates each document (kubernetes-models, @kubernetes-models/keda)', async () => {
    expect(manifests.length).toBeGreaterThan(10);
    for (const m of manifests) {
      await expect(validateManifest(m as unknown as Record<string, unknown>), `${m.file}: ${m.kind} ${m.metadata.name}`).resolves.toBeUndefined();
    }
  });

  it('rejects what the API server would reject (so the check above means something)', async () => {
    const api = structuredClone(named<Workload>('Deployment', 'epoch-api')) as unknown as Record<string, unknown>;
    ((api['spec'] as Workload['spec']).template.spec.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = 'http';
    await expect(validateManifest(api)).rejects.toThrow(/containerPort must be integer/);
    const so = structuredClone(named('ScaledObject', 'epoch-grader-cpu')) as unknown as Record<string, unknown>;
    delete (so['spec'] as Record<string, unknown>)['scaleTargetRef'];
    await expect(validateManifest(so)).rejects.toThrow(/scaleTargetRef/);
    await expect(validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).rejects.toThrow(
      'no schema for example.com/v1 Widget',
    );
  });
});

describe(`${DIR}: how the pieces fit`, () => {
  const deployments = byKind<Workload>('Deployment');
  const cronJobs = byKind<CronJob>('CronJob');

  it('has api, web, CPU and GPU grader Deployments, a migrate Job, an Ingress and PDBs', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['epoch-api', 'epoch-grader-cpu', 'epoch-grader-gpu', 'epoch-web']);
    expect(named<Workload>('Job', 'epoch-migrate').spec.template.spec.containers[0]!).toMatchObject({ image: 'epoch-tools:latest' });
    expect((named<Workload>('Job', 'epoch-migrate').spec.template.spec.containers[0] as unknown as { args: string[] }).args).toEqual(['db', 'migrate']);
    for (const d of deployments) {
      const pdbs = byKind('PodDisruptionBudget').filter((p) =>
        matches((p.spec!['selector'] as { matchLabels: Record<string, string> }).matchLabels, d.spec.template.metadata.labels),
      );
      expect(pdbs, `${d.metadata.name} has one PodDisruptionBudget`).toHaveLength(1);
    }
  });

  it("selects each Deployment's own pods, and Services and the Ingress reach existing pods and ports", () => {
    for (const d of deployments) expect(matches(d.spec.selector!.matchLabels, d.spec.template.metadata.labels), d.metadata.name).toBe(true);
    for (const s of byKind('Service')) {
      const selector = s.spec!['selector'] as Record<string, string>;
      const targets = deployments.filter((d) => matches(selector, d.spec.template.metadata.labels));
      expect(targets, `Service ${s.metadata.name}`).toHaveLength(1);
      const portNames = targets[0]!.spec.template.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
      for (const p of s.spec!['ports'] as { targetPort: string }[]) expect(portNames, `Service ${s.metadata.name}`).toContain(p.targetPort);
    }
    const ingress = byKind('Ingress')[0]!;
    const backends = (ingress.spec!['rules'] as { http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[])[0]!
      .http.paths;
    expect(backends.map((b) => [b.path, b.backend.service.name])).toEqual([
      ['/api', 'epoch-api'],
      ['/', 'epoch-web'],
    ]);
    for (const b of backends) {
      const svc = named('Service', b.backend.service.name);
      expect((svc.spec!['ports'] as { name: string }[]).map((p) => p.name)).toContain(b.backend.service.port.name);
    }
  });

  it('runs every pod as non-root with resource requests, and references only existing ConfigMaps, Secrets and keys', () => {
    const configMaps = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, Object.keys(c.data ?? {})]));
    const secrets = new Map(outOfBandSecrets.map((s) => [s.metadata.name, Object.keys({ ...s.data, ...s.stringData })]));
    for (const w of [...deployments, ...byKind<Workload>('Job'), ...cronJobs.map(asWorkload)]) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const where = `${w.metadata.name}/${c.name}`;
        expect(c.resources?.requests?.['cpu'], `${where} cpu request`).toBeDefined();
        expect(c.resources?.requests?.['memory'], `${where} memory request`).toBeDefined();
        for (const ref of c.envFrom ?? []) {
          if (ref.configMapRef) expect(configMaps.has(ref.configMapRef.name), where).toBe(true);
          if (ref.secretRef) expect(secrets.has(ref.secretRef.name), where).toBe(true);
        }
        for (const e of c.env ?? []) {
          const cm = e.valueFrom?.['configMapKeyRef'];
          if (cm) expect(configMaps.get(cm.name!), `${where} ${e.name}`).toContain(cm.key);
          const sk = e.valueFrom?.['secretKeyRef'];
          if (sk) expect(secrets.get(sk.name!), `${where} ${e.name}`).toContain(sk.key);
        }
      }
    }
  });

  it('keeps the database and Redis URLs in a Secret, not in the ConfigMap', () => {
    const secret = secretNamed('epoch-secrets');
    expect(Object.keys(secret.stringData ?? {})).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'REDIS_ADDRESS', 'REDIS_PASSWORD']));
    for (const cm of byKind('ConfigMap'))
      expect(
        Object.keys(cm.data ?? {}).filter((k) => /URL$/.test(k) && k !== 'EPOCH_API_URL'),
        cm.metadata.name,
      ).toEqual([]);
  });

  it('runs the API in production mode and seeds no demo accounts anywhere', () => {
    const api = named<Workload>('Deployment', 'epoch-api').spec.template.spec.containers[0]!;
    expect(api.env).toContainEqual({ name: 'EPOCH_DEMO', value: '0' });
    const job = manifests.find((m) => m.kind === 'Job') as unknown as Workload;
    expect(JSON.stringify(job.spec.template.spec.containers)).not.toMatch(/"seed"/);
  });

  it('puts CPU graders on the CPU pool and GPU graders on GPU nodes with a GPU each', () => {
    const cpu = named<Workload>('Deployment', 'epoch-grader-cpu').spec.template.spec;
    expect(cpu.nodeSelector).toEqual({ 'epoch.dev/pool': 'cpu' });
    expect(cpu.containers[0]!.resources?.limits?.['nvidia.com/gpu']).toBeUndefined();
    // Results repeat bit for bit only with the same thread count: pinned, to the grader's CPU limit.
    expect(cpu.containers[0]!.env).toContainEqual({ name: 'EPOCH_WASM_THREADS', value: String(cpu.containers[0]!.resources?.limits?.['cpu']) });
    const gpu = named<Workload>('Deployment', 'epoch-grader-gpu').spec.template.spec;
    expect(gpu.nodeSelector?.['epoch.dev/pool']).toBe('gpu');
    expect(gpu.containers[0]!.resources?.limits?.['nvidia.com/gpu']).toBe(1);
    expect(gpu.containers[0]!.resources?.requests?.['nvidia.com/gpu']).toBe(1);
    expect(gpu.tolerations).toContainEqual(expect.objectContaining({ key: 'nvidia.com/gpu', effect: 'NoSchedule' }));
    expect(gpu.containers[0]!.image).toBe('epoch-grader-gpu:latest');
    expect(gpu.containers[0]!.env).toContainEqual({ name: 'EPOCH_BACKEND', value: 'node-gpu' });
  });

  it('gives graders time to hand back a running job', () => {
    for (const name of ['epoch-grader-cpu', 'epoch-grader-gpu']) {
      expect(named<Workload>('Deployment', name).spec.template.spec.terminationGracePeriodSeconds, name).toBeGreaterThanOrEqual(120);
    }
  });

  it("scales graders with KEDA on the grading queues' wait lists (GPU graders on both)", () => {
    const prefix = byKind('ConfigMap')[0]!.data!['EPOCH_QUEUE_PREFIX'];
    const scaled = byKind('ScaledObject');
    expect(scaled.map((s) => (s.spec!['scaleTargetRef'] as { name: string }).name).sort()).toEqual(['epoch-grader-cpu', 'epoch-grader-gpu']);
    for (const s of scaled) {
      const triggers = s.spec!['triggers'] as { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
      const gpu = (s.spec!['scaleTargetRef'] as { name: string }).name === 'epoch-grader-gpu';
      expect(triggers.map((t) => t.metadata['listName'])).toEqual([
        `${prefix}:${GRADING_QUEUES.general}:wait`,
        ...(gpu ? [`${prefix}:${GRADING_QUEUES.gpu}:wait`] : []),
      ]);
      expect(triggers.every((t) => t.type === 'redis')).toBe(true);
      expect(Number(triggers[0]!.metadata['listLength'])).toBeGreaterThan(0);
      const auth = named('TriggerAuthentication', triggers[0]!.authenticationRef.name);
      const refs = auth.spec!['secretTargetRef'] as { parameter: string; name: string; key: string }[];
      const secret = secretNamed(refs[0]!.name);
      for (const r of refs) expect(Object.keys(secret.stringData ?? {}), r.parameter).toContain(r.key);
    }
    expect(named('ScaledObject', 'epoch-grader-gpu').spec!['minReplicaCount']).toBe(0);
  });

  it('scrapes the API and the graders for metrics', () => {
    for (const name of ['epoch-api', 'epoch-grader-cpu', 'epoch-grader-gpu']) {
      const template = named<Workload>('Deployment', name).spec.template as unknown as { metadata: { annotations?: Record<string, string> }; spec: PodSpec };
      const a = template.metadata.annotations ?? {};
      expect(a['prometheus.io/scrape'], name).toBe('true');
      expect(a['prometheus.io/path'], name).toBe('/metrics');
      expect(
        template.spec.containers[0]!.ports!.map((p) => p.containerPort),
        name,
      ).toContain(Number(a['prometheus.io/port']));
    }
  });

  it('serves /metrics on ports of their own that no Service exposes, and only Prometheus may reach (NetworkPolicies)', () => {
    const policies = byKind('NetworkPolicy');
    const prometheus = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    };
    // Everything else is denied: a policy selecting every pod, with no rule.
    expect(policies.find((p) => Object.keys((p.spec!['podSelector'] as { matchLabels?: object }).matchLabels ?? {}).length === 0)?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    type Rule = { from: Record<string, unknown>[]; ports: { port: string | number }[] };
    for (const name of ['epoch-api', 'epoch-grader-cpu', 'epoch-grader-gpu']) {
      const d = named<Workload>('Deployment', name);
      const annotations = (d.spec.template.metadata as { annotations?: Record<string, string> }).annotations ?? {};
      const port = d.spec.template.spec.containers[0]!.ports!.find((p) => p.containerPort === Number(annotations['prometheus.io/port']))!;
      expect(port.name, name).toBe('metrics');
      // No Service points at it.
      for (const svc of byKind('Service'))
        expect(
          (svc.spec!['ports'] as { targetPort: string }[]).map((p) => p.targetPort),
          svc.metadata.name,
        ).not.toContain('metrics');
      // Every policy selecting these pods lets only Prometheus reach the metrics port.
      const mine = policies.filter((p) =>
        matches((p.spec!['podSelector'] as { matchLabels?: Record<string, string> }).matchLabels ?? {}, d.spec.template.metadata.labels),
      );
      expect(mine.length, name).toBeGreaterThanOrEqual(2);
      const rules = mine.flatMap((p) => (p.spec!['ingress'] as Rule[] | undefined) ?? []);
      const toMetrics = rules.filter((r) => r.ports.some((p) => p.port === 'metrics' || p.port === port.containerPort));
      expect(toMetrics.length, name).toBe(1);
      expect(toMetrics[0]!.from, name).toEqual([prometheus]);
      for (const r of rules) expect(r.ports.length, `${name}: a rule without ports opens every port`).toBeGreaterThan(0);
    }
    // The API's port: the Ingress controller and the web pods only; the web's: the Ingress controller only.
    const rulesOf = (component: string) =>
      policies
        .filter((p) => (p.spec!['podSelector'] as { matchLabels?: Record<string, string> }).matchLabels?.['app.kubernetes.io/component'] === component)
        .flatMap((p) => p.spec!['ingress'] as Rule[])
        .filter((r) => r.ports.some((p) => p.port === 'http'));
    const ingressController = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } };
    expect(rulesOf('api').map((r) => r.from)).toEqual([
      [ingressController, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'epoch', 'app.kubernetes.io/component': 'web' } } }],
    ]);
    expect(rulesOf('web').map((r) => r.from)).toEqual([[ingressController]]);
    const api = named<Workload>('Deployment', 'epoch-api').spec.template.spec.containers[0]!;
    expect(api.env).toContainEqual({ name: 'EPOCH_API_METRICS_PORT', value: '9464' });
  });

  it('runs the artifact retention daily with the tools image, one run at a time', () => {
    const cron = named<CronJob>('CronJob', 'epoch-artifact-retention');
    expect(cron.spec.schedule.split(' ')).toHaveLength(5);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const [container] = asWorkload(cron).spec.template.spec.containers;
    expect(container?.image.split(':')[0]).toBe('epoch-tools');
    expect(container?.args).toEqual(['artifacts', 'retention']);
    expect(container?.envFrom?.map((e) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual(['epoch-config', 'epoch-secrets']);
  });

  it('keeps plots and weights in an S3 bucket, since pods share no filesystem', () => {
    const config = named('ConfigMap', 'epoch-config').data!;
    expect(config['EPOCH_ARTIFACT_STORE']).toBe('s3');
    expect(config['EPOCH_S3_BUCKET']).toMatch(/^[a-z0-9][a-z0-9.-]+$/);
    for (const name of ['epoch-api', 'epoch-grader-cpu', 'epoch-grader-gpu']) {
      const c = named<Workload>('Deployment', name).spec.template.spec.containers[0]!;
      expect(
        c.envFrom?.map((r) => r.configMapRef?.name),
        name,
      ).toContain('epoch-config');
    }
    expect(Object.keys(secretNamed('epoch-secrets').stringData ?? {})).toEqual(expect.arrayContaining(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
  });

  it('trusts exactly one proxy hop (the Ingress, or the web behind it) for the client address the sign-in limits count', () => {
    expect(named<Workload>('Deployment', 'epoch-api').spec.template.spec.containers[0]!.env).toContainEqual({ name: 'EPOCH_TRUST_PROXY', value: '1' });
    expect(named<Workload>('Deployment', 'epoch-web').spec.template.spec.containers[0]!.env).toContainEqual({ name: 'EPOCH_WEB_TRUST_PROXY', value: '1' });
  });

  it('documents are objects with apiVersion, kind and a name', () => {
    for (const m of manifests)
      expect(isRecord(m) && typeof m.apiVersion === 'string' && typeof m.kind === 'string' && typeof m.metadata?.name === 'string', m.file).toBe(true);
  });
});
