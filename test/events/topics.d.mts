import type { CompiledValidator } from '@specfirst/runtime';
import type { TopicDefinition } from '@specfirst/runtime/events';

export interface Tick {
  n: number;
  body: string;
}

export declare const validateTick: CompiledValidator;
export declare function tickTopic(name: string, overrides?: Partial<TopicDefinition<Tick>>): TopicDefinition<Tick>;
export declare const CHAOS_ATTEMPTS: number;
export declare function chaosTopic(name: string): TopicDefinition<Tick>;
export declare function chaosFails(seed: number, messageId: string, deliveries: number): boolean;
export declare function chaosKeys(prefix: string): { handled: string; failed: string; deliveries: string };
