import express from 'express';

// A route the spec does not know: reported twice (the router, then the route).
export const extra = express.Router();
extra.get('/users/export', (_req, res) => {
  res.json([]);
});
