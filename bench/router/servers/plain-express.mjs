#!/usr/bin/env node
/**
 * The ceiling and the named baseline of bench/router: Express 5 and `express.json()` with no
 * validation at all. Every other server does this much work plus its validation.
 */
import { createApp, createUser, createUsers, errorHandler, listen } from './common.mjs';

const app = createApp();
app.post('/users', createUser);
app.post('/users/bulk', createUsers);
app.use(errorHandler);
await listen(app, 'plain-express');
