/**
 * `@specfirst/codegen/names`: every name the generator gives to what it writes, in one place. The
 * emitters write these names, `specfirst scaffold` and `specfirst init` write code that uses them,
 * and the lint rules look for them in services: all of them ask this module, so they cannot drift
 * apart.
 *
 * The names are built from what spec-core put in the IR: a service's or tag's `identifier`
 * (PascalCase, `toPascalCase` of its name), a tag's `fileName` (`toFileName` of its name, only
 * `[a-z0-9-]`), a service's `name` (kebab-case) and an operation's `identifier` (camelCase). Where
 * there is no IR node (a lint message about a folder no service owns), {@link identifierFor}
 * makes the identifier spec-core would.
 *
 * Only the first letter of an identifier changes case here (`AdminOrders` → `adminOrders`, and
 * `HTTP` → `hTTP`, not `http`): that is what the generator has always written, and a user's code
 * depends on it.
 *
 * Every new name goes here too. The coming one: the internal clients of service-to-service calls.
 *
 * This module imports nothing heavy (only spec-core's name functions), so the lint plugin can load it.
 */
import path from 'node:path';
import {
  toPascalCase,
  type IRModel,
  type IROperation,
  type IRResponse,
  type IRService,
  type IRTag,
  type IRTask,
  type IRTopic,
} from '@specfirst/spec-core';

type Identified = Pick<IRService | IRTag, 'identifier'>;
type Topic = Pick<IRTopic, 'identifier'>;
type Task = Pick<IRTask, 'identifier'>;
type TaskName = Pick<IRTask, 'name'>;
type Model = Pick<IRModel, 'identifier'>;
type Service = Pick<IRService, 'name'>;
type Tag = Pick<IRTag, 'fileName'>;
type Operation = Pick<IROperation, 'identifier'>;

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Identifiers

/**
 * `order-service` → `OrderService`, `admin-orders` → `AdminOrders`: the identifier spec-core gives
 * a service or a tag of that name, for code that meets a name with no IR node.
 */
export function identifierFor(name: string): string {
  return toPascalCase(name);
}

/** `AdminOrders` → `AdminOrdersController`: the interface a tag's controller implements. */
export function controllerInterface(tag: Identified): string {
  return `${tag.identifier}Controller`;
}

/** `AdminOrders` → `AdminOrdersControllerImpl`: the class `specfirst scaffold` and `init` write for a tag. */
export function controllerClass(tag: Identified): string {
  return `${tag.identifier}ControllerImpl`;
}

/** `AdminOrders` → `adminOrders`: the key of a tag's controller in `create<Service>App({ ... })`. */
export function controllerKey(tag: Identified): string {
  return lowerFirst(tag.identifier);
}

/** `AdminOrders` → `createAdminOrdersRouter`: the Express router of one tag. */
export function routerFactory(tag: Identified): string {
  return `create${tag.identifier}Router`;
}

/** `AdminOrders` → `adminOrdersOperations`: the operation definitions of one tag, which the runtime serves. */
export function operationsConst(tag: Identified): string {
  return `${lowerFirst(tag.identifier)}Operations`;
}

/** `Orders` → `createOrdersApp`: the Express app of one service. */
export function appFactory(service: Identified): string {
  return `create${service.identifier}App`;
}

/** `Orders` → `OrdersControllers`: the controllers `create<Service>App` takes, one per tag. */
export function controllersInterface(service: Identified): string {
  return `${service.identifier}Controllers`;
}

/** `Orders` → `OrdersAppOptions`: the app's options when its operations are guarded. */
export function appOptionsType(service: Identified): string {
  return `${service.identifier}AppOptions`;
}

/** `Orders` → `OrdersSecurityScheme`: the union of the security schemes a service's operations use. */
export function securitySchemeType(service: Identified): string {
  return `${service.identifier}SecurityScheme`;
}

/** `Orders` → `ordersPort`: the constant holding a service's port from the spec. */
export function servicePortConst(service: Identified): string {
  return `${lowerFirst(service.identifier)}Port`;
}

/** `Orders` → `OrdersClient`: the interface of a service's typed client. */
export function clientInterface(service: Identified): string {
  return `${service.identifier}Client`;
}

/** `Orders` → `createOrdersClient`: makes a service's typed client. */
export function clientFactory(service: Identified): string {
  return `create${service.identifier}Client`;
}

/** `placeOrder` → `PlaceOrderRequest`: what the controller receives, validated. */
export function requestType(op: Operation): string {
  return `${upperFirst(op.identifier)}Request`;
}

/** `placeOrder` → `PlaceOrderResult`: what the controller answers, discriminated on `status`. */
export function resultType(op: Operation): string {
  return `${upperFirst(op.identifier)}Result`;
}

/** `placeOrder` → `placeOrderReply`: the per-status constructors of the result. */
export function replyHelpers(op: Operation): string {
  return `${op.identifier}Reply`;
}

/** `placeOrder` → `PlaceOrderInput`: what the client's method takes. */
export function clientInputType(op: Operation): string {
  return `${upperFirst(op.identifier)}Input`;
}

/** `placeOrder`, `body` → `placeOrderBody`: the validator of one part of a request, in the service's validators module. */
export function requestValidator(op: Operation, part: 'params' | 'query' | 'headers' | 'body'): string {
  return `${op.identifier}${upperFirst(part)}`;
}

/** `placeOrder`, `201` → `placeOrderResponse201` (`4XX` → `…Response4XX`, `default` → `…ResponseDefault`): the validator of one response. */
export function responseValidator(op: Operation, status: IRResponse['status']): string {
  return `${op.identifier}Response${status === 'default' ? 'Default' : String(status)}`;
}

// Events (`spec/events.yaml`): a topic's `identifier` is the PascalCase of its name
// (`order.created` → `OrderCreated`), unique among topics.

/** `Orders` → `createOrdersPublisher`: makes the publisher of the topics a service produces. */
export function publisherFactory(service: Identified): string {
  return `create${service.identifier}Publisher`;
}

/** `Orders` → `OrdersPublisher`: the interface of that publisher, one method per produced topic. */
export function publisherInterface(service: Identified): string {
  return `${service.identifier}Publisher`;
}

/** `OrderCreated` → `publishOrderCreated`: the publisher's method of one topic. */
export function publishMethod(topic: Topic): string {
  return `publish${topic.identifier}`;
}

/** `Billing` → `createBillingConsumers`: makes the consumers of the topics a service consumes. */
export function consumersFactory(service: Identified): string {
  return `create${service.identifier}Consumers`;
}

/** `Billing` → `BillingHandlers`: the handlers `create<Service>Consumers` takes, one per consumed topic. */
export function handlersInterface(service: Identified): string {
  return `${service.identifier}Handlers`;
}

/** `OrderCreated` → `orderCreated`: the key of a topic's handler in `create<Service>Consumers({ ... })`. */
export function handlerKey(topic: Topic): string {
  return lowerFirst(topic.identifier);
}

/** `OrderCreated` → `orderCreatedTopic`: the definition of one topic (its stream, delivery keys and validator). */
export function topicConst(topic: Topic): string {
  return `${lowerFirst(topic.identifier)}Topic`;
}

/** `OrderCreated` → `validateOrderCreated`: the precompiled validator of a message model, in a service's events validators. */
export function messageValidator(model: Model): string {
  return `validate${model.identifier}`;
}

// Tasks (`spec/tasks.yaml`): a task's `identifier` is its name (camelCase, `sendReceipt`), unique
// among tasks.

/** `sendReceipt` → `enqueueSendReceipt`: the method of an enqueuing service's tasks that enqueues one task. */
export function enqueueMethod(task: Task): string {
  return `enqueue${upperFirst(task.identifier)}`;
}

/** `Orders` → `createOrdersTasks`: makes what a service enqueues (`enqueue<Task>`, chains and groups) on a task queue. */
export function tasksFactory(service: Identified): string {
  return `create${service.identifier}Tasks`;
}

/** `Orders` → `OrdersTasks`: the interface `create<Service>Tasks` returns, one `enqueue<Task>` per task the service enqueues. */
export function tasksInterface(service: Identified): string {
  return `${service.identifier}Tasks`;
}

/** `Orders` → `OrdersTaskMap`: each task a service enqueues, with its args and result types (for typed chains). */
export function taskMapType(service: Identified): string {
  return `${service.identifier}TaskMap`;
}

/** `Mailer` → `createMailerWorker`: makes the worker that runs a worker service's tasks. */
export function workerFactory(service: Identified): string {
  return `create${service.identifier}Worker`;
}

/** `Mailer` → `MailerTaskHandlers`: the handlers `create<Worker>Worker` takes, one per task the worker runs. */
export function taskHandlersInterface(service: Identified): string {
  return `${service.identifier}TaskHandlers`;
}

/** `sendReceipt` → `sendReceipt`: the key of a task's handler in `create<Worker>Worker({ ... })`. */
export function taskHandlerKey(task: Task): string {
  return task.identifier;
}

/**
 * `sendReceipt` → `sendReceipt`: the key of a task in `<Service>TaskMap`, in the definitions
 * `create<Service>Tasks` and `create<Worker>Worker` hand the runtime, and as a chain's or group's
 * `task`: the task's name, which is also each job's name on the queue.
 */
export function taskKey(task: TaskName): string {
  return task.name;
}

/** `sendReceipt` → `sendReceiptTask`: the definition of one task (queue, retry, time limit, schedule, validators). */
export function taskConst(task: Task): string {
  return `${task.identifier}Task`;
}

/** `SendReceiptArgs` → `validateSendReceiptArgs`: the precompiled validator of an args or result model, in a service's tasks validators. */
export function taskModelValidator(model: Model): string {
  return `validate${model.identifier}`;
}

/** `Users` → `createUsersInternalClient`: a caller's client of one callee, holding only the operations it declares it calls. */
export function internalClientFactory(callee: Identified): string {
  return `create${callee.identifier}InternalClient`;
}

/** `Users` → `UsersInternalClient`: the interface `create<Callee>InternalClient` returns. */
export function internalClientInterface(callee: Identified): string {
  return `${callee.identifier}InternalClient`;
}

/** Patterns of the factories above, for code that meets them without an IR node (the lint rules). */
export const ROUTER_FACTORY_PATTERN = /^create[A-Z]\w*Router$/;
export const APP_FACTORY_PATTERN = /^create[A-Z]\w*App$/;
export const WORKER_FACTORY_PATTERN = /^create[A-Z]\w*Worker$/;

// ---------------------------------------------------------------------------------------------
// Modules of the output folder: paths relative to it, `/`-separated, without the extension of
// TypeScript modules (`.ts` on disk, `.js` in an import specifier).

/**
 * The key of the problem-details schema in a published OpenAPI document's `components.schemas`,
 * which the framework's own responses (400, 401, 404, ...) refer to. Model keys are TypeScript
 * identifiers (`$` written `.`), which never hold `-`: no model of the spec can take this key.
 */
export const PROBLEM_SCHEMA_KEY = 'specfirst-problem';

/** The models of every service. */
export const MODELS_MODULE = 'models';

/** The folder of the routers: `routers/<service>/<tag>` and `routers/<service>/index`. */
export const ROUTERS_FOLDER = 'routers';

/** `orders`, `admin-orders` → `routers/orders/admin-orders`: one tag's router, controller interface and types. */
export function tagRouterModule(service: Service, tag: Tag): string {
  return `${ROUTERS_FOLDER}/${service.name}/${tag.fileName}`;
}

/** `orders` → `routers/orders/index`: the service's app, its controllers and its port. */
export function serviceIndexModule(service: Service): string {
  return `${ROUTERS_FOLDER}/${service.name}/index`;
}

/** `orders` → `validators/orders`: the service's validators (JavaScript, with a `.d.ts`). */
export function validatorsModule(service: Service): string {
  return `validators/${service.name}`;
}

/** The folder of the events modules: `events/<service>/index` and `events/<service>/validators`. */
export const EVENTS_FOLDER = 'events';

/** `orders` → `events/orders/index`: the service's topic definitions, publisher and consumers. */
export function eventsModule(service: Service): string {
  return `${EVENTS_FOLDER}/${service.name}/index`;
}

/** `orders` → `events/orders/validators`: the validators of the messages the service publishes or consumes (JavaScript, with a `.d.ts`). */
export function eventValidatorsModule(service: Service): string {
  return `${EVENTS_FOLDER}/${service.name}/validators`;
}

/** `orders` → `asyncapi/orders.json`: the service's AsyncAPI document (a file name with its extension). */
export function asyncApiFile(service: Service): string {
  return `asyncapi/${service.name}.json`;
}

/** The folder of the tasks modules: `tasks/<service>/index` and `tasks/<service>/validators`. */
export const TASKS_FOLDER = 'tasks';

/** `mailer` → `tasks/mailer/index`: the definitions of the tasks a service enqueues or runs, `create<Service>Tasks` and `create<Worker>Worker`. */
export function tasksModule(service: Service): string {
  return `${TASKS_FOLDER}/${service.name}/index`;
}

/** `mailer` → `tasks/mailer/validators`: the validators of those tasks' args and results (JavaScript, with a `.d.ts`). */
export function taskValidatorsModule(service: Service): string {
  return `${TASKS_FOLDER}/${service.name}/validators`;
}

/** The folder of the internal clients: `internal/<caller>/<callee>`. */
export const INTERNAL_FOLDER = 'internal';

/**
 * `orders`, `users` → `internal/orders/users`: the client orders uses to call users, holding the
 * operations of orders' `consumes.operations` edges to users, and no other. Written only for a
 * declared edge, so a service with no edge to another has no module to import.
 */
export function internalClientModule(caller: Service, callee: Service): string {
  return `${INTERNAL_FOLDER}/${caller.name}/${callee.name}`;
}

/** The folder of the deployment files. */
export const DEPLOY_FOLDER = 'deploy';

/** The compose file: one service per spec service, Redis and PostgreSQL where `access` asks, a network per declared pair. */
export const COMPOSE_FILE = `${DEPLOY_FOLDER}/compose.yaml`;

/** The folder of the Kubernetes manifests: `deploy/k8s/<service>.yaml` (Deployment, Service, NetworkPolicies). */
export const K8S_FOLDER = `${DEPLOY_FOLDER}/k8s`;

/** `orders` → `deploy/k8s/orders.yaml`. Also `redis` and `postgres`, for the infrastructure, and `default-deny`. */
export function k8sFile(name: string): string {
  return `${K8S_FOLDER}/${name}.yaml`;
}

/**
 * The Redis users: one per service that needs Redis, allowed its own keys and commands only. A
 * redis.conf fragment of `user` directives (`redis-server users.conf`, or `include` it), not an
 * `aclfile`: Redis refuses any comment in an ACL file, so the generated header could not go in one.
 */
export const REDIS_ACL_FILE = `${DEPLOY_FOLDER}/redis/users.conf`;

/** The PostgreSQL script making one role (and schema) per service with `access: database`. */
export const POSTGRES_ROLES_FILE = `${DEPLOY_FOLDER}/postgres/roles.sql`;

/** `orders`, `users` → `orders--users`: the compose network the two share (sorted, so one per pair). */
export function pairNetwork(a: string, b: string): string {
  return a < b ? `${a}--${b}` : `${b}--${a}`;
}

/** `orders` → `orders--redis` (or `--postgres`, `--internet`): the network joining a service to infrastructure, or its route out. */
export function accessNetwork(service: string, target: string): string {
  return `${service}--${target}`;
}

/**
 * `status` → `status`: the internal network of a service that connects to nothing, alone on it (a
 * service name has no `--`, so it never clashes with the networks above). An override file can add
 * networks to it, which it could not to `network_mode: none`.
 */
export function ownNetwork(service: string): string {
  return service;
}

/** `orders` → `clients/orders`: the service's typed client. */
export function clientModule(service: Service): string {
  return `clients/${service.name}`;
}

/** `orders` → `openapi/orders.json`: the service's OpenAPI document (a file name with its extension). */
export function openApiFile(service: Service): string {
  return `openapi/${service.name}.json`;
}

/**
 * The relative import specifier from one file or module to another, both relative to the same
 * folder: `routers/orders/orders` → `models` is `../../models.js`. A target with an extension
 * (`.json`, `.js`) keeps it; a module without one gets `.js`.
 */
export function relativeSpecifier(fromModule: string, toModule: string): string {
  const target = /\.[a-z]+$/.test(path.posix.basename(toModule)) ? toModule : `${toModule}.js`;
  const relative = path.posix.relative(path.posix.dirname(fromModule), target);
  return relative.startsWith('../') ? relative : `./${relative}`;
}

// ---------------------------------------------------------------------------------------------
// Hand-written code: where it lives, and how it imports generated modules

/** Where a service keeps its controllers, inside its folder. */
export const CONTROLLERS_DIR = 'src/controllers';

/** `services`, `orders`, `admin-orders` → `services/orders/src/controllers/admin-orders.ts`: a tag's controller file. */
export function controllerFile(servicesDir: string, service: Service, tag: Tag): string {
  return `${servicesDir}/${service.name}/${CONTROLLERS_DIR}/${tag.fileName}.ts`;
}

/** The `package.json` subpath import a project declares for its output folder: `"imports": { "#generated/*": … }`. */
export const GENERATED_IMPORT_KEY = '#generated/*';

const GENERATED_IMPORT_PREFIX = '#generated/';

/** `routers/orders/orders` → `#generated/routers/orders/orders.js`: a generated module, as a project that declares the import names it. */
export function generatedImport(module: string): string {
  return `${GENERATED_IMPORT_PREFIX}${module}.js`;
}

/**
 * `#generated/routers/orders/orders.js` → `routers/orders/orders.js`: the file under the output
 * folder a `#generated/…` specifier names (as written, extension included), or undefined for any
 * other specifier.
 */
export function generatedImportPath(specifier: string): string | undefined {
  return specifier.startsWith(GENERATED_IMPORT_PREFIX) ? specifier.slice(GENERATED_IMPORT_PREFIX.length) : undefined;
}

/**
 * Whether a project's package.json maps `#generated/*` to its output folder: to `./<outputDir>/*`
 * itself, or so under one of its conditions (`{ "development": "./generated/*", "default":
 * "./dist/generated/*" }`, which `specfirst init` writes so that the built service runs too).
 */
export function declaresGeneratedImport(packageJson: unknown, outputDir: string): boolean {
  const imports = isObject(packageJson) ? packageJson.imports : undefined;
  const target = isObject(imports) ? imports[GENERATED_IMPORT_KEY] : undefined;
  const wanted = outputDir === '.' ? './*' : `./${outputDir}/*`;
  const targets = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : isObject(value) ? Object.values(value).flatMap(targets) : [];
  return targets(target).includes(wanted);
}

/**
 * How a project file imports a generated module (`module` relative to the output folder):
 * `#generated/<module>.js` when the project declares the import ({@link declaresGeneratedImport}),
 * else a relative specifier from the file (`../../../../generated/<module>.js`).
 */
export function generatedSpecifier(
  fromFile: string,
  module: string,
  project: { outputDir: string; generatedImport: boolean },
): string {
  if (project.generatedImport) return generatedImport(module);
  return relativeSpecifier(fromFile, project.outputDir === '.' ? module : `${project.outputDir}/${module}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
