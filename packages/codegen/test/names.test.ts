import { fileURLToPath } from 'node:url';
import { loadProjectSync } from '@specfirst/spec-core';
import { describe, expect, it } from 'vitest';
import * as names from '../src/names.js';

const SHOP = fileURLToPath(new URL('../../../fixtures/shop', import.meta.url));

// Tags and services as spec-core puts them in the IR (identifier: toPascalCase of the name,
// fileName: toFileName of it), written out so that the expected names below are plain text.
const adminOrders = { name: 'admin-orders', identifier: 'AdminOrders', fileName: 'admin-orders' };
const userAndAuth = {
  name: 'User and Authentication',
  identifier: 'UserAndAuthentication',
  fileName: 'user-and-authentication',
};
const http = { name: 'HTTP', identifier: 'HTTP', fileName: 'http' };
const orderService = { name: 'order-service', identifier: 'OrderService' };
const api = { name: 'api', identifier: 'Api' };
// Topics as spec-core names them (identifier: toPascalCase of the name).
const orderCreated = { name: 'order.created', identifier: 'OrderCreated' };
const paymentV2Failed = { name: 'payment_v2-failed', identifier: 'PaymentV2Failed' };

describe('the names of generated code', () => {
  it.each([
    ['controllerInterface', names.controllerInterface(adminOrders), 'AdminOrdersController'],
    ['controllerInterface', names.controllerInterface(userAndAuth), 'UserAndAuthenticationController'],
    ['controllerClass', names.controllerClass(adminOrders), 'AdminOrdersControllerImpl'],
    ['controllerKey', names.controllerKey(adminOrders), 'adminOrders'],
    // Only the first letter changes case: what the generator has always written.
    ['controllerKey', names.controllerKey(http), 'hTTP'],
    ['routerFactory', names.routerFactory(userAndAuth), 'createUserAndAuthenticationRouter'],
    ['operationsConst', names.operationsConst(adminOrders), 'adminOrdersOperations'],
    ['operationsConst', names.operationsConst(http), 'hTTPOperations'],
    ['appFactory', names.appFactory(orderService), 'createOrderServiceApp'],
    ['controllersInterface', names.controllersInterface(orderService), 'OrderServiceControllers'],
    ['appOptionsType', names.appOptionsType(api), 'ApiAppOptions'],
    ['securitySchemeType', names.securitySchemeType(api), 'ApiSecurityScheme'],
    ['servicePortConst', names.servicePortConst(orderService), 'orderServicePort'],
    ['servicePortConst', names.servicePortConst(api), 'apiPort'],
    ['clientInterface', names.clientInterface(orderService), 'OrderServiceClient'],
    ['clientFactory', names.clientFactory(orderService), 'createOrderServiceClient'],
    ['requestType', names.requestType({ identifier: 'placeOrder' }), 'PlaceOrderRequest'],
    ['resultType', names.resultType({ identifier: 'placeOrder' }), 'PlaceOrderResult'],
    ['replyHelpers', names.replyHelpers({ identifier: 'placeOrder' }), 'placeOrderReply'],
    ['clientInputType', names.clientInputType({ identifier: 'placeOrder' }), 'PlaceOrderInput'],
    ['requestValidator', names.requestValidator({ identifier: 'getUser' }, 'params'), 'getUserParams'],
    ['requestValidator', names.requestValidator({ identifier: 'getUser' }, 'headers'), 'getUserHeaders'],
    ['requestValidator', names.requestValidator({ identifier: 'createUser' }, 'body'), 'createUserBody'],
    ['responseValidator', names.responseValidator({ identifier: 'getUser' }, 200), 'getUserResponse200'],
    ['responseValidator', names.responseValidator({ identifier: 'getUser' }, '4XX'), 'getUserResponse4XX'],
    ['responseValidator', names.responseValidator({ identifier: 'getUser' }, 'default'), 'getUserResponseDefault'],
    ['publisherFactory', names.publisherFactory(orderService), 'createOrderServicePublisher'],
    ['publisherInterface', names.publisherInterface(orderService), 'OrderServicePublisher'],
    ['publishMethod', names.publishMethod(orderCreated), 'publishOrderCreated'],
    ['publishMethod', names.publishMethod(paymentV2Failed), 'publishPaymentV2Failed'],
    ['consumersFactory', names.consumersFactory(api), 'createApiConsumers'],
    ['handlersInterface', names.handlersInterface(orderService), 'OrderServiceHandlers'],
    ['handlerKey', names.handlerKey(orderCreated), 'orderCreated'],
    ['handlerKey', names.handlerKey(paymentV2Failed), 'paymentV2Failed'],
    ['topicConst', names.topicConst(orderCreated), 'orderCreatedTopic'],
    ['messageValidator', names.messageValidator({ identifier: 'OrderCreated' }), 'validateOrderCreated'],
    ['enqueueMethod', names.enqueueMethod({ identifier: 'sendReceipt' }), 'enqueueSendReceipt'],
    ['tasksFactory', names.tasksFactory(orderService), 'createOrderServiceTasks'],
    ['tasksInterface', names.tasksInterface(orderService), 'OrderServiceTasks'],
    ['taskMapType', names.taskMapType(orderService), 'OrderServiceTaskMap'],
    ['workerFactory', names.workerFactory({ identifier: 'Mailer' }), 'createMailerWorker'],
    ['taskHandlersInterface', names.taskHandlersInterface({ identifier: 'Mailer' }), 'MailerTaskHandlers'],
    ['taskHandlerKey', names.taskHandlerKey({ identifier: 'sendReceipt' }), 'sendReceipt'],
    ['taskKey', names.taskKey({ name: 'sendReceipt' }), 'sendReceipt'],
    ['taskConst', names.taskConst({ identifier: 'sendReceipt' }), 'sendReceiptTask'],
    ['taskModelValidator', names.taskModelValidator({ identifier: 'SendReceiptArgs' }), 'validateSendReceiptArgs'],
    ['identifierFor', names.identifierFor('order-service'), 'OrderService'],
    ['identifierFor', names.identifierFor('User and Authentication'), 'UserAndAuthentication'],
  ])('%s → %s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('names the factories its patterns match, and nothing else', () => {
    expect(names.ROUTER_FACTORY_PATTERN.test('createAdminOrdersRouter')).toBe(true);
    expect(names.APP_FACTORY_PATTERN.test('createOrderServiceApp')).toBe(true);
    expect(names.WORKER_FACTORY_PATTERN.test(names.workerFactory({ identifier: 'Mailer' }))).toBe(true);
    expect(names.WORKER_FACTORY_PATTERN.test(names.tasksFactory({ identifier: 'Mailer' }))).toBe(false);
    for (const other of [
      'createRouter',
      'createadminRouter',
      'makeUsersRouter',
      'createUsersApp',
      'createUsersRouterFactory',
    ]) {
      expect(names.ROUTER_FACTORY_PATTERN.test(other), other).toBe(false);
    }
    for (const other of ['createApp', 'createUsersRouter', 'createUsersAppOptions']) {
      expect(names.APP_FACTORY_PATTERN.test(other), other).toBe(false);
    }
  });

  it('gives the names of the shop fixture, read by spec-core, as the generator writes them', () => {
    const { ir } = loadProjectSync(SHOP, { cache: false });
    const orders = ir.services.find((s) => s.name === 'orders')!;
    const tag = orders.tags.find((t) => t.name === 'admin-orders')!;
    expect([
      names.routerFactory(tag),
      names.controllerKey(tag),
      names.appFactory(orders),
      names.tagRouterModule(orders, tag),
    ]).toEqual(['createAdminOrdersRouter', 'adminOrders', 'createOrdersApp', 'routers/orders/admin-orders']);
    const topic = ir.topics.find((t) => t.name === 'order.created')!;
    const billing = ir.services.find((s) => s.name === 'billing')!;
    expect([
      names.publishMethod(topic),
      names.topicConst(topic),
      names.handlerKey(topic),
      names.consumersFactory(billing),
      names.eventsModule(billing),
    ]).toEqual([
      'publishOrderCreated',
      'orderCreatedTopic',
      'orderCreated',
      'createBillingConsumers',
      'events/billing/index',
    ]);
  });
});

describe('the modules of the output folder', () => {
  it.each([
    ['tagRouterModule', names.tagRouterModule(orderService, adminOrders), 'routers/order-service/admin-orders'],
    ['serviceIndexModule', names.serviceIndexModule(orderService), 'routers/order-service/index'],
    ['validatorsModule', names.validatorsModule(api), 'validators/api'],
    ['clientModule', names.clientModule(api), 'clients/api'],
    ['openApiFile', names.openApiFile(api), 'openapi/api.json'],
    ['eventsModule', names.eventsModule(orderService), 'events/order-service/index'],
    ['eventValidatorsModule', names.eventValidatorsModule(orderService), 'events/order-service/validators'],
    ['asyncApiFile', names.asyncApiFile(orderService), 'asyncapi/order-service.json'],
    ['tasksModule', names.tasksModule(orderService), 'tasks/order-service/index'],
    ['taskValidatorsModule', names.taskValidatorsModule(orderService), 'tasks/order-service/validators'],
    ['MODELS_MODULE', names.MODELS_MODULE, 'models'],
    [
      'controllerFile',
      names.controllerFile('services', orderService, adminOrders),
      'services/order-service/src/controllers/admin-orders.ts',
    ],
    [
      'controllerFile',
      names.controllerFile('apps/services', api, userAndAuth),
      'apps/services/api/src/controllers/user-and-authentication.ts',
    ],
  ])('%s → %s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it.each([
    // from, to, specifier
    ['routers/api/notes', 'models', '../../models.js'],
    ['routers/api/notes', 'validators/api', '../../validators/api.js'],
    ['routers/api/index', 'routers/api/notes', './notes.js'],
    ['routers/api/index', 'openapi/api.json', '../../openapi/api.json'],
    ['clients/api', 'routers/api/notes', '../routers/api/notes.js'],
    ['clients/api', 'models', '../models.js'],
    ['events/api/index', 'models', '../../models.js'],
    ['events/api/index', 'events/api/validators', './validators.js'],
    ['services/api/src/app.ts', 'services/api/src/controllers/notes', './controllers/notes.js'],
    ['services/api/test/app.test.ts', 'services/api/src/app', '../src/app.js'],
    [
      'services/api/src/controllers/notes.ts',
      'generated/routers/api/notes',
      '../../../../generated/routers/api/notes.js',
    ],
    ['main.ts', 'models', './models.js'],
  ])('relativeSpecifier(%s, %s) is %s', (from, to, expected) => {
    expect(names.relativeSpecifier(from, to)).toBe(expected);
  });
});

describe('#generated/* imports', () => {
  it.each([
    ['routers/api/notes', '#generated/routers/api/notes.js'],
    ['models', '#generated/models.js'],
    ['clients/order-service', '#generated/clients/order-service.js'],
  ])('generatedImport(%s) is %s', (module, expected) => {
    expect(names.generatedImport(module)).toBe(expected);
  });

  it.each([
    ['#generated/routers/api/notes.js', 'routers/api/notes.js'],
    ['#generated/models.js', 'models.js'],
    ['#gen/routers/api/notes.js', undefined],
    ['../../generated/models.js', undefined],
    ['generated/models.js', undefined],
  ])('generatedImportPath(%s) is %s', (specifier, expected) => {
    expect(names.generatedImportPath(specifier)).toBe(expected);
  });

  it.each([
    ['the plain mapping', { imports: { '#generated/*': './generated/*' } }, 'generated', true],
    [
      'the mapping init writes',
      { imports: { '#generated/*': { development: './generated/*', default: './dist/generated/*' } } },
      'generated',
      true,
    ],
    [
      'nested conditions',
      { imports: { '#generated/*': { node: { development: './src/gen/*' }, default: './dist/src/gen/*' } } },
      'src/gen',
      true,
    ],
    ['an output folder at the root', { imports: { '#generated/*': './*' } }, '.', true],
    ['another output folder', { imports: { '#generated/*': './generated/*' } }, 'src/generated', false],
    ['only the built files', { imports: { '#generated/*': './dist/generated/*' } }, 'generated', false],
    ['another key', { imports: { '#gen/*': './generated/*' } }, 'generated', false],
    ['no imports', { name: 'x' }, 'generated', false],
    ['imports that are not an object', { imports: ['./generated/*'] }, 'generated', false],
    ['no package.json', undefined, 'generated', false],
  ])('declaresGeneratedImport: %s → %s', (_case, packageJson, outputDir, expected) => {
    expect(names.declaresGeneratedImport(packageJson, outputDir)).toBe(expected);
  });

  it.each([
    [
      true,
      'services/api/src/controllers/notes.ts',
      'routers/api/notes',
      'generated',
      '#generated/routers/api/notes.js',
    ],
    [
      false,
      'services/api/src/controllers/notes.ts',
      'routers/api/notes',
      'generated',
      '../../../../generated/routers/api/notes.js',
    ],
    [
      false,
      'services/api/src/app.ts',
      'routers/api/index',
      'src/generated',
      '../../../src/generated/routers/api/index.js',
    ],
    [false, 'services/api/src/app.ts', 'routers/api/index', '.', '../../../routers/api/index.js'],
  ])(
    'generatedSpecifier with generatedImport %s from %s to %s (output %s) is %s',
    (generatedImport, from, module, outputDir, expected) => {
      expect(names.generatedSpecifier(from, module, { outputDir, generatedImport })).toBe(expected);
    },
  );
});
