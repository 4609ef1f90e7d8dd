#!/usr/bin/env node
/**
 * Express 5 with zod 4 schemas written by hand (the same rules as bench/router/api.yaml):
 * `z.strictObject` rejects unknown properties; a failed parse answers 400 with zod's issues, a
 * successful one replaces the body with zod's output (where the `role` default is applied).
 */
import { z } from 'zod';
import { createApp, createUser, createUsers, errorHandler, listen } from './common.mjs';

const Address = z.strictObject({
  line1: z.string().min(1).max(200),
  line2: z.string().optional(),
  city: z.string().min(1),
  postcode: z.string().max(16),
  country: z.string().regex(/^[A-Z]{2}$/),
});

const UserCreate = z.strictObject({
  email: z.email(),
  name: z.string().min(1).max(100),
  role: z.enum(['customer', 'admin']).default('customer'),
  password: z.string().min(12),
  address: Address.optional(),
});

const UserCreateList = z.array(UserCreate);

/** Middleware that validates `req.body` against `schema`. */
const body = (schema) => (req, res, next) => {
  const result = schema.safeParse(req.body);
  if (!result.success) {
    res.status(400).json({ message: 'invalid request body', issues: result.error.issues });
    return;
  }
  req.body = result.data;
  next();
};

const app = createApp();
app.post('/users', body(UserCreate), createUser);
app.post('/users/bulk', body(UserCreateList), createUsers);
app.use(errorHandler);
await listen(app, 'zod');
