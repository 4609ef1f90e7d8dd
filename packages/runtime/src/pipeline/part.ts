/** Helpers the read stages share: own keys only, and a part checked by its validator. */
import { failuresFrom, type CompiledValidator, type RequestPart, type ValidationFailure } from '../validation.js';

/** Spec names may be `__proto__`: such a key becomes an own property, never the object's prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** The failures of `value` against the part's validator (none without one), pointers under `/<part>`. */
export function checkPart(
  validate: CompiledValidator | undefined,
  value: unknown,
  part: RequestPart,
): ValidationFailure[] {
  return validate && !validate(value) ? failuresFrom(validate.errors ?? [], part) : [];
}
