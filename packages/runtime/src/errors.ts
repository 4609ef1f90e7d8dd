/**
 * Errors of the runtime, each with a stable code: what an app's configuration or a controller got
 * wrong. Start-up errors (`SFR1xxx`) are thrown while `create<Service>App` builds the app, so a
 * misconfigured service never starts; `SFR2xxx` are found while answering a request (the client
 * gets a 500 and the log says why); `SFR3xxx` are the client's: a 4xx problem says what to change. Codes never change meaning once released; they are all listed
 * in docs/controllers.md ("Start-up errors").
 */

/**
 * The catalogue: code → short title. Ranges: 1xxx start-up (the router, then `options.docs`), 2xxx
 * controller results, 3xxx requests refused by the runtime's own limits (a 4xx problem whose
 * `code` member and `detail` carry the code), 4xxx events. Events: 12xx start-up errors of
 * `createConsumers`, 40xx the publish/consume engine (thrown, written into dead-letter entries, or
 * the `code` of a log entry), 42xx the brokers' `BrokerError`. Tasks: 13xx start-up errors of
 * `createTasks` and `createWorker`, 43xx the enqueue/work engine (thrown by `enqueue<Task>`, written
 * into dead letters, or the `code` of a log entry); 4340–4359 the memory task backend. Internal
 * calls between services: 14xx start-up errors of `createInternalClient` and `callerGuard`, 44xx
 * call-time errors (thrown by an internal client, or the `code` of the caller guard's 403 problem).
 */
export const RUNTIME_ERROR_CODES = {
  SFR1001: 'no authenticate function for a security scheme',
  SFR1002: 'no controller object for an operation',
  SFR1003: 'the controller has no method for an operation',
  SFR1004: 'options.maxBodyDepth is not a positive integer',
  SFR1101: 'options.docs without an OpenAPI document',
  SFR1102: 'options.docs serves two things at one path',
  SFR1103: 'options.docs path is not a plain path',
  SFR1104: 'options.docs path is served by an operation',
  SFR1201: 'createConsumers without a service name',
  SFR1202: 'createConsumers without a broker',
  SFR1203: 'a consumer binding without a handler function',
  SFR1204: 'a topic bound twice in one createConsumers',
  SFR1205: 'a consumer option is not a positive integer',
  SFR1206: "a topic definition's delivery settings are out of range",
  SFR1301: 'createTasks or createWorker without a task backend',
  SFR1302: 'createWorker without a service name',
  SFR1303: "a worker is given another worker's task",
  SFR1304: 'a worker has no handler function for one of its tasks',
  SFR1305: 'a worker is given a handler for a task it does not run',
  SFR1306: 'a worker option is not a positive integer',
  SFR1307: "a task definition's settings are out of range",
  SFR1308: 'a task definition is listed under another name',
  SFR1320: 'the sandboxed handlers module cannot be imported',
  SFR1321: 'the sandboxed module has no handlers object under its export name',
  SFR1322: 'the sandboxed handlers have no function for a task',
  SFR1323: 'a sandbox option is out of range',
  SFR1324: 'the sandboxed module is not a file URL or an absolute path',
  SFR1325: 'a sandbox child process could not start',
  SFR1401: "an internal client's base URL is not an http(s) URL",
  SFR1402: 'an internal client option is out of range',
  SFR1403: "an internal client's signing key is empty",
  SFR1404: 'a callerGuard option is out of range',
  SFR1405: 'the callerGuard has no valid service name',
  SFR2001: 'the controller returned no valid status',
  SFR3001: 'a JSON request body nests deeper than options.maxBodyDepth',
  SFR4001: 'a message to publish is not valid for its topic',
  SFR4002: 'a received entry cannot be decoded (poison)',
  SFR4003: 'a received message is not valid for its topic (poison)',
  SFR4004: "an entry reached its topic's delivery cap",
  SFR4005: 'another delivery of the same message is running',
  SFR4006: 'a dead-letter entry to replay was not found',
  SFR4007: 'a consumer group vanished and was recreated',
  SFR4008: 'the broker failed; the consumer retries',
  SFR4009: 'a handler did not finish before the shutdown timeout',
  SFR4010: 'consumers started again after stop()',
  SFR4011: 'a dead-letter entry would be replayed for a group that does not consume the topic',
  SFR4101: 'the outbox table name is not a plain SQL name',
  SFR4102: 'an outbox relay option is out of range',
  SFR4103: 'a message field PostgreSQL cannot store',
  SFR4104: 'the outbox table does not exist',
  SFR4105: 'an outbox row is corrupt',
  SFR4106: 'the outbox relay could not send',
  SFR4201: 'the event broker cannot reach Redis',
  SFR4202: 'the event broker is closed',
  SFR4203: 'Redis refused an event broker command',
  SFR4204: 'a key holds another type than the event broker needs',
  SFR4301: 'the args to enqueue are not valid for the task',
  SFR4302: 'an enqueue option is not valid',
  SFR4303: 'a received job has args that are not valid for its task',
  SFR4304: "a handler's result is not valid for its task",
  SFR4305: 'a job ran past its time limit',
  SFR4306: 'a received job is of an unknown task or data version',
  SFR4307: 'a handler failed',
  SFR4308: 'a worker started again after stop()',
  SFR4309: "a chain step's previous result is missing",
  SFR4310: 'a job was interrupted by the worker stopping',
  SFR4311: 'a dead letter of a chain step whose previous step failed cannot be retried alone',
  SFR4330: 'a sandbox child process died while running a handler',
  SFR4331: 'the sandboxed handlers have no function for the task to run',
  SFR4332: 'a value cannot be sent between the worker and its sandbox',
  SFR4333: 'a sandboxed handler ignored its abort and its process was killed',
  SFR4334: 'the sandbox runner is closed',
  SFR4335: 'a replacement sandbox child process could not start',
  SFR4340: 'the memory task backend is closed',
  SFR4341: 'a task job did not finish before its processing closed',
  SFR4342: 'a memory task backend option is out of range',
  SFR4343: 'a schedule the memory task backend cannot run',
  SFR4344: "a job's parent does not exist or waits for no child",
  SFR4345: 'a job spec the memory task backend cannot add',
  SFR4346: "a child's result is not known to its parent",
  SFR4360: 'the BullMQ task backend cannot reach Redis',
  SFR4361: 'the BullMQ task backend is closed',
  SFR4362: 'a bullmqTaskBackend option is out of range',
  SFR4363: 'a job was still running when Processing.close() stopped waiting',
  SFR4364: 'BullMQ refused a job',
  SFR4365: 'a failed job could not be dead-lettered yet',
  SFR4366: 'the parent of a job to add does not exist or waits for no child',
  SFR4401: 'an internal call ran past its time limit',
  SFR4402: 'an internal call could not reach its callee',
  SFR4403: 'the callee refused a caller that declares no edge to the operation',
  SFR4404: 'the callee does not know the calling service',
  SFR4405: 'the callee has no key for a declared caller',
  SFR4406: "a call's caller signature is missing or does not hold",
  SFR4407: "a call's caller timestamp is missing or outside the allowed skew",
  SFR4408: 'a call without a caller identity to an operation that requires one',
  SFR4409: 'an internal call option is not valid',
} as const;

export type RuntimeErrorCode = keyof typeof RUNTIME_ERROR_CODES;

/**
 * An error of the runtime: `code` from {@link RUNTIME_ERROR_CODES}, `problem` says what is wrong
 * and where, `hint` how to fix it. The message joins them: `SFR1003 the controller has no method
 * \`getUser\` for operation \`getUser\`; add ...`. A `TypeError`, as these were before they had codes.
 */
export class SpecFirstRuntimeError extends TypeError {
  readonly code: RuntimeErrorCode;
  readonly hint: string;

  constructor(code: RuntimeErrorCode, problem: string, hint: string) {
    super(`${code} ${problem}; ${hint}`);
    this.name = 'SpecFirstRuntimeError';
    this.code = code;
    this.hint = hint;
  }
}
