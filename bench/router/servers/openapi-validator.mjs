#!/usr/bin/env node
/**
 * Express 5 with express-openapi-validator on bench/router/api.yaml: requests validated against
 * the document (unknown properties rejected by its `additionalProperties: false`), responses not.
 * Its validation errors reach the error handler, which answers them with their status (400).
 */
import path from 'node:path';
import * as OpenApiValidator from 'express-openapi-validator';
import { createApp, createUser, createUsers, errorHandler, listen } from './common.mjs';

const app = createApp();
app.use(
  OpenApiValidator.middleware({
    apiSpec: path.join(import.meta.dirname, '../api.yaml'),
    validateRequests: true,
    validateResponses: false,
  }),
);
app.post('/users', createUser);
app.post('/users/bulk', createUsers);
app.use(errorHandler);
await listen(app, 'openapi-validator');
