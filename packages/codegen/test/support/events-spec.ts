import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SpecIR } from '@specfirst/spec-core';
import { loadIR, OUT_ROOT } from './project.js';

/**
 * A spec of workers for the events generator: `shop` publishes `thing.made` (and `payment.made`,
 * whose message is a discriminated union, with `paymentMessage`), `audit` consumes, `quiet` touches
 * no topic. Descriptions and the key property's name are hostile: they must stay comments and
 * string literals.
 */
export const HOSTILE = 'ends */ console.log(\'PWNED\'); /*\nconsole.log("PWNED")\u2028`${process.exit(1)}`';
export const KEY = 'it\'s "x" ${y}';

function writeSpec(name: string, options: { paymentMessage?: boolean } = {}): string {
  const root = path.join(OUT_ROOT, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'spec'), { recursive: true });
  const files: Record<string, string> = {
    'specfirst.yaml': 'name: ev\nspec: spec\noutput: generated\nservices: services\n',
    'spec/services.yaml': `services:
  shop:
    type: worker
  quiet:
    type: worker
  audit:
    type: worker
    consumes:
      topics: [thing.made${options.paymentMessage ? ', payment.made' : ''}]
`,
    'spec/models.yaml': `models:
  Thing:
    description: ${JSON.stringify(HOSTILE)}
    properties:
      id: { type: string, readonly: true }
      ${JSON.stringify(KEY)}: string
      count: { type: integer, default: 1 }
  Card:
    properties:
      method: { const: card }
      token: string
  Transfer:
    properties:
      method: { const: transfer }
      iban: string
  Payment:
    oneOf: [Card, Transfer]
    discriminator:
      propertyName: method
      mapping: { card: Card, transfer: Transfer }
  PaymentMade:
    properties:
      payment: Payment
`,
    'spec/events.yaml': `topics:
  thing.made:
    description: ${JSON.stringify(HOSTILE)}
    message: Thing
    producers: [shop]
    version: 3
    claimAfterMs: 1000
    retention: { maxAgeMs: 60000 }
    startFrom: new
    concurrency: 4
    orderingKey: ${JSON.stringify(KEY)}
    idempotencyKey: ${JSON.stringify(KEY)}
${
  options.paymentMessage
    ? `  payment.made:
    message: PaymentMade
    producers: [shop]
`
    : ''
}`,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  return root;
}

/** The spec's folder, written afresh under test/.out/<name>. */
export function hostileEventsSpec(options: { paymentMessage?: boolean } = {}): string {
  return writeSpec(options.paymentMessage ? 'events-payment' : 'events-hostile', options);
}

/** The spec's IR: every delivery key set on `thing.made`, hostile where it is a string. */
export function hostileEventsIR(options: { paymentMessage?: boolean } = {}): SpecIR {
  return loadIR(hostileEventsSpec(options));
}
