/**
 * The deployment files of the shop (examples/shop): the compose layout, the Kubernetes manifests,
 * their validation by real tools (docker-compose 1.29's `config`, the Kubernetes API's JSON schemas
 * with ajv), determinism, and a hostile description that stays a YAML string.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { projectLabel } from '../src/emit/deploy/k8s.js';
import { generate, readStamp, stampLineComment } from '../src/index.js';
import { COMPOSE_FILE, K8S_FOLDER, k8sFile } from '../src/names.js';
import { loadIR, REPO_ROOT } from './support/project.js';

const SHOP = path.join(REPO_ROOT, 'examples/shop');
const SCHEMAS = path.join(import.meta.dirname, 'k8s-schemas');
const tmp = mkdtempSync(path.join(tmpdir(), 'specfirst-deploy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const shopFiles = new Map(generate(loadIR(SHOP)).map((f) => [f.path, f.contents]));
const deployPaths = [...shopFiles.keys()].filter((p) => p.startsWith('deploy/'));

interface ComposeService {
  build?: { context: string; args: Record<string, string> };
  image?: string;
  environment?: Record<string, string>;
  expose?: string[];
  ports?: unknown;
  networks?: string[];
  labels?: Record<string, string>;
  command?: string[];
}
const compose = parse(shopFiles.get(COMPOSE_FILE)!) as {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean }>;
};

/** Every variable the shop's compose file requires, set to a value. */
const SECRETS = Object.fromEntries(
  [...shopFiles.get(COMPOSE_FILE)!.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => [m[1]!, `secret-${m[1]!.length}`]),
);

/** A copy of a project's spec (specfirst.yaml and spec/) in the temporary folder. */
function copySpec(name: string, project: string): string {
  const root = path.join(tmp, name);
  mkdirSync(root, { recursive: true });
  cpSync(path.join(project, 'specfirst.yaml'), path.join(root, 'specfirst.yaml'));
  cpSync(path.join(project, 'spec'), path.join(root, 'spec'), { recursive: true });
  return root;
}

describe('compose layout of the shop', () => {
  it('has one service per spec service, Redis and PostgreSQL, and nothing else', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['billing', 'mailer', 'orders', 'postgres', 'redis', 'users']);
  });

  it.each([
    ['users', ['orders--users', 'users--postgres']],
    ['orders', ['billing--orders', 'mailer--orders', 'orders--postgres', 'orders--redis', 'orders--users']],
    ['billing', ['billing--internet', 'billing--orders', 'billing--postgres', 'billing--redis']],
    ['mailer', ['mailer--orders', 'mailer--redis']],
    ['redis', ['billing--redis', 'mailer--redis', 'orders--redis']],
    ['postgres', ['billing--postgres', 'orders--postgres', 'users--postgres']],
  ])('puts %s on exactly its declared networks', (service, networks) => {
    expect(compose.services[service]!.networks).toEqual(networks);
  });

  it('makes every network internal but the route out of billing (access: internet)', () => {
    const open = Object.entries(compose.networks).filter(([, n]) => n.internal !== true);
    expect(open.map(([name]) => name)).toEqual(['billing--internet']);
  });

  it('publishes no port', () => {
    for (const [name, service] of Object.entries(compose.services)) expect(service.ports, name).toBeUndefined();
  });

  it.each([
    ['users', ['PORT', 'SPECFIRST_KEY_ORDERS_TO_USERS', 'DATABASE_URL']],
    [
      'orders',
      [
        'PORT',
        'BILLING_URL',
        'USERS_URL',
        'SPECFIRST_KEY_MAILER_TO_ORDERS',
        'SPECFIRST_KEY_ORDERS_TO_BILLING',
        'SPECFIRST_KEY_ORDERS_TO_USERS',
        'REDIS_URL',
        'DATABASE_URL',
      ],
    ],
    ['billing', ['PORT', 'SPECFIRST_KEY_ORDERS_TO_BILLING', 'REDIS_URL', 'DATABASE_URL']],
    ['mailer', ['ORDERS_URL', 'SPECFIRST_KEY_MAILER_TO_ORDERS', 'REDIS_URL']],
  ])(
    'gives %s its callees’ URLs, the keys it needs, and its own Redis user / PostgreSQL role',
    (service, variables) => {
      expect(Object.keys(compose.services[service]!.environment!)).toEqual(variables);
    },
  );

  it('points callers at the callee’s host and port, and each service at its own credentials', () => {
    const orders = compose.services.orders!.environment!;
    expect(orders.USERS_URL).toBe('http://users:3001');
    expect(orders.BILLING_URL).toBe('http://billing:3003');
    expect(orders.REDIS_URL).toMatch(/^redis:\/\/orders:\$\{SPECFIRST_REDIS_PASSWORD_ORDERS:\?[^}]*\}@redis:6379$/);
    expect(orders.DATABASE_URL).toMatch(
      /^postgres:\/\/orders:\$\{SPECFIRST_POSTGRES_PASSWORD_ORDERS:\?[^}]*\}@postgres:5432\/postgres$/,
    );
  });

  it('builds each service from the project root, naming the service', () => {
    expect(compose.services.orders!.build).toEqual({ context: '../..', args: { SERVICE: 'orders' } });
    const command = compose.services.redis!.command!;
    expect(command.slice(0, 4)).toEqual(['redis-server', '--user', 'default', 'off']);
    // One Redis user per service that needs Redis (its ACL rules), with its password from the environment.
    const users: string[][] = [];
    for (const arg of command.slice(4)) {
      if (arg === '--user') users.push([]);
      else users.at(-1)!.push(arg);
    }
    expect(users.map((u) => u[0])).toEqual(['billing', 'mailer', 'orders']);
    for (const user of users) {
      expect(user.at(-1)).toMatch(new RegExp(`^>\\$\\{SPECFIRST_REDIS_PASSWORD_${user[0]!.toUpperCase()}:\\?`));
    }
  });

  it('starts a real redis-server with its command, each user on with its rules', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(path.join(tmp, 'redis-'));
    const socket = path.join(dir, 'redis.sock');
    const args = compose.services
      .redis!.command!.slice(1)
      .map((a) => a.replace(/\$\{SPECFIRST_REDIS_PASSWORD_([A-Z0-9_]+):\?[^}]*\}/g, 'pw-$1'));
    const server = spawn('redis-server', [...args, '--port', '0', '--unixsocket', socket, '--save', ''], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    server.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      for (let i = 0; i < 100 && !log.includes('ready to accept connections') && server.exitCode === null; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(log, log).toContain('ready to accept connections');
      const cli = (user: string, ...command: string[]) =>
        spawnSync(
          'redis-cli',
          ['-s', socket, '--user', user, '--pass', `pw-${user.toUpperCase()}`, '--no-auth-warning', ...command],
          {
            encoding: 'utf8',
          },
        ).stdout.trim();
      expect(cli('orders', 'XADD', 'order.created', '*', 'a', '1')).toMatch(/^\d+-\d+$/);
      expect(cli('billing', 'XADD', 'order.created', '*', 'a', '1')).toMatch(/NOPERM/);
      expect(cli('users', 'PING')).toMatch(/WRONGPASS|NOAUTH/);
    } finally {
      server.kill();
    }
  });
});

describe('Kubernetes manifests of the shop', { timeout: 60_000 }, () => {
  it('writes default-deny, one file per service, and the Redis and PostgreSQL policies', () => {
    expect(deployPaths.filter((p) => p.startsWith(`${K8S_FOLDER}/`)).sort()).toEqual(
      ['billing', 'default-deny', 'mailer', 'orders', 'postgres', 'redis', 'users'].map(k8sFile).sort(),
    );
  });

  it('gives HTTP services a Deployment, a Service and a NetworkPolicy, workers no Service', () => {
    const kinds = (name: string): unknown[] =>
      parseAllDocuments(shopFiles.get(k8sFile(name))!).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds('orders')).toEqual(['Deployment', 'Service', 'NetworkPolicy']);
    expect(kinds('mailer')).toEqual(['Deployment', 'NetworkPolicy']);
  });

  it('validates every document against the Kubernetes API schemas (v1.31, strict)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validators = new Map(
      [
        ['Deployment', 'deployment-apps-v1.json'],
        ['Service', 'service-v1.json'],
        ['NetworkPolicy', 'networkpolicy-networking-v1.json'],
      ].map(([kind, file]) => {
        const schemaPath = path.join(SCHEMAS, file!);
        // Fails loudly: the schemas are part of the repository, a missing one is a broken checkout.
        if (!existsSync(schemaPath))
          throw new Error(`missing Kubernetes schema ${schemaPath} (see k8s-schemas/README.md)`);
        return [kind!, ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object)];
      }),
    );
    let checked = 0;
    for (const file of deployPaths.filter((p) => p.startsWith(`${K8S_FOLDER}/`))) {
      for (const doc of parseAllDocuments(shopFiles.get(file)!)) {
        const value = doc.toJS() as { kind: string };
        const validate = validators.get(value.kind);
        expect(validate, `${file}: no schema for ${value.kind}`).toBeDefined();
        expect(validate!(value), `${file} ${value.kind}: ${ajv.errorsText(validate!.errors)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(14); // 3 per HTTP service, 2 for the mailer, default-deny, redis, postgres
    // The schemas are strict: an unknown field is refused.
    const policy = parseAllDocuments(shopFiles.get(k8sFile('orders'))!)[2]!.toJS() as { spec: object };
    expect(validators.get('NetworkPolicy')!({ ...policy, spec: { ...policy.spec, egres: [] } })).toBe(false);
  });
});

// docker-compose (a Python program) and ajv compiling the 650 kB Deployment schema take seconds on a
// busy machine: these tests get a minute, not Vitest's default 5 s.
describe('real tools accept the compose files', { timeout: 60_000 }, () => {
  const dockerCompose = (file: string, env: Record<string, string>) =>
    spawnSync('docker-compose', ['-f', file, 'config', '-q'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, ...env },
      cwd: path.dirname(file),
    });

  /** Writes a project's generated deploy folder where its build context (the project root) exists. */
  function writeDeploy(name: string, specDir: string): string {
    const root = copySpec(name, specDir);
    for (const file of generate(loadIR(root)).filter((f) => f.path.startsWith('deploy/'))) {
      const target = path.join(root, 'generated', file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    return path.join(root, 'generated', COMPOSE_FILE);
  }

  it('docker-compose config accepts the shop’s compose file, and names a missing variable', () => {
    const version = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
    if (version.error)
      throw new Error(`docker-compose is needed (apt-get install docker-compose): ${version.error.message}`);
    const file = writeDeploy('shop', SHOP);
    const ok = dockerCompose(file, SECRETS);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const { SPECFIRST_KEY_ORDERS_TO_USERS: _unset, ...rest } = SECRETS;
    const missing = dockerCompose(file, rest);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set SPECFIRST_KEY_ORDERS_TO_USERS');
  });

  it.each(['fixtures/small', 'examples/conduit'])('docker-compose config accepts the compose file of %s', (project) => {
    const file = writeDeploy(project.replace('/', '-'), path.join(REPO_ROOT, project));
    const env = Object.fromEntries(
      [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => [m[1]!, 'x']),
    );
    const result = dockerCompose(file, env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('the docs’ recipe for letting traffic in (docs/deployment.md)', { timeout: 60_000 }, () => {
  const docs = readFileSync(path.join(REPO_ROOT, 'docs/deployment.md'), 'utf8');
  const recipe = /`compose\.override\.yaml`:\n\n```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
  const composeConfig = (file: string, override: string) => {
    const overrideFile = path.join(path.dirname(file), 'compose.override.yaml');
    writeFileSync(overrideFile, override);
    const env = Object.fromEntries(
      [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => [m[1]!, 'x']),
    );
    return spawnSync('docker-compose', ['-f', file, '-f', overrideFile, 'config'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp, ...env },
      cwd: path.dirname(file),
    });
  };
  const writeDeploy = (root: string): string => {
    for (const file of generate(loadIR(root)).filter((f) => f.path.startsWith('deploy/'))) {
      const target = path.join(root, 'generated', file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.contents);
    }
    return path.join(root, 'generated', COMPOSE_FILE);
  };

  it.each([
    ['orders, a service with networks (the shop)', 'orders', ''],
    [
      'status, an HTTP service that connects to nothing',
      'status',
      '\n  status:\n    type: http\n    description: Says it is up.\n    port: 3009\n    rest: rest/status.yaml\n',
    ],
  ])('lets traffic in to %s', (_title, service, extra) => {
    expect(recipe, 'the compose.override.yaml block of docs/deployment.md').toBeDefined();
    const root = copySpec(`override-${service}`, SHOP);
    const services = path.join(root, 'spec/services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8') + extra);
    writeFileSync(
      path.join(root, 'spec/rest/status.yaml'),
      'basePath: /api\ntags:\n  status:\n    operations:\n      getStatus:\n        method: get\n        path: /status\n        responses:\n          204: { description: Up }\n',
    );
    const file = writeDeploy(root);
    const generated = parse(readFileSync(file, 'utf8')) as {
      services: Record<string, ComposeService & { network_mode?: string }>;
    };
    expect(generated.services[service]!.network_mode).toBeUndefined();
    const result = composeConfig(file, recipe!.replaceAll('orders', service));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const merged = parse(result.stdout) as { services: Record<string, { networks: Record<string, unknown> }> };
    expect(Object.keys(merged.services[service]!.networks)).toEqual(
      expect.arrayContaining([`gateway--${service}`, ...generated.services[service]!.networks!]),
    );
    expect(Object.keys(merged.services.gateway!.networks).sort()).toEqual(['edge', `gateway--${service}`]);
  });
});

describe('deployment files as sync writes them', { timeout: 60_000 }, () => {
  it('are stamped, and the same spec gives the same bytes', () => {
    const again = new Map(generate(loadIR(SHOP)).map((f) => [f.path, f.contents]));
    for (const file of deployPaths) {
      expect(readStamp(shopFiles.get(file)!)?.intact, file).toBe(true);
      expect(shopFiles.get(file)!, file).toMatch(/^(#|--) Generated by specfirst from spec\//);
      expect(again.get(file), file).toBe(shopFiles.get(file));
    }
  });

  it('keeps a hostile description a YAML string, and compose does not interpolate it', () => {
    const root = copySpec('hostile', SHOP);
    const services = path.join(root, 'spec/services.yaml');
    const hostile = 'Sign-in.\n}\nservices:\n  evil: { image: x, ports: ["1:1"] } # ${HOME} $(id) `id`';
    writeFileSync(
      services,
      readFileSync(services, 'utf8').replace(
        'description: Accounts and sign-in.',
        `description: ${JSON.stringify(hostile)}`,
      ),
    );
    const files = new Map(generate(loadIR(root)).map((f) => [f.path, f.contents]));
    const parsed = parse(files.get(COMPOSE_FILE)!) as typeof compose;
    expect(Object.keys(parsed.services)).not.toContain('evil');
    expect(parsed.services.users!.labels!['dev.specfirst.description']).toBe(hostile.replace(/\$/g, '$$$$'));
    const k8s = parseAllDocuments(files.get(k8sFile('users'))!)[0]!.toJS() as {
      metadata: { annotations: Record<string, string> };
    };
    expect(k8s.metadata.annotations['specfirst.dev/description']).toBe(hostile);
    // docker-compose reads the label back exactly as written in the spec.
    const file = path.join(root, 'generated', COMPOSE_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, files.get(COMPOSE_FILE)!);
    const out = execFileSync('docker-compose', ['-f', file, 'config'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', ...SECRETS },
    });
    // `config` prints a file compose can read again, so `$` stays doubled: nothing was interpolated.
    const label = (parse(out) as typeof compose).services.users!.labels!['dev.specfirst.description'];
    expect(label).toBe(hostile.replace(/\$/g, '$$$$'));
    expect(out).not.toContain('nonexistent-home');
  });
});

describe('stampLineComment', () => {
  it.each([
    ['#', 'services: {}\n'],
    ['--', 'CREATE ROLE "orders";\n'],
  ] as const)('writes a %s header the writer recognises, and an edit breaks it', (marker, body) => {
    const text = stampLineComment(marker, ['spec/services.yaml'], body);
    expect(text.startsWith(`${marker} Generated by specfirst from spec/services.yaml. Do not edit`)).toBe(true);
    expect(text.endsWith(`\n${body}`)).toBe(true);
    expect(readStamp(text)?.intact).toBe(true);
    expect(readStamp(`${text}# edited\n`)?.intact).toBe(false);
  });

  it('keeps a source path with a newline on the header line', () => {
    const text = stampLineComment('#', ['spec/a\nservices: evil.yaml'], 'x: 1\n');
    expect(text.split('\n')).toHaveLength(3);
    expect(readStamp(text)?.intact).toBe(true);
  });
});

describe('projectLabel: the project name as a DNS-1123 label (part-of label, image prefix)', () => {
  const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  it.each([
    ['shop', 'shop'],
    ['my_shop.v2.', 'my-shop-v2'],
    ['shop-', 'shop'],
    ['9lives', '9lives'],
    [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
    ['a'.repeat(80), 'a'.repeat(63)],
    ['._-', 'specfirst'],
  ])('%s → %s', (name, label) => {
    expect(projectLabel(name)).toBe(label);
    expect(label).toMatch(dns1123);
    expect(label.length).toBeLessThanOrEqual(63);
  });

  it('labels the pods and names the images with it', () => {
    const ir = loadIR(SHOP);
    ir.project.name = 'my_shop.v2.';
    const orders = parseAllDocuments(generate(ir).find((f) => f.path === k8sFile('orders'))!.contents).map(
      (d) =>
        d.toJS() as {
          kind: string;
          metadata: { labels: Record<string, string> };
          spec: { template: { spec: { containers: { image: string }[] } } };
        },
    );
    const deployment = orders.find((d) => d.kind === 'Deployment')!;
    expect(deployment.metadata.labels['app.kubernetes.io/part-of']).toBe('my-shop-v2');
    expect(deployment.spec.template.spec.containers[0]!.image).toBe('my-shop-v2-orders:latest');
  });
});
