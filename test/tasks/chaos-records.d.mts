export type ChaosMode = 'work' | 'hang' | 'hangOnce' | 'fail';
export declare function chaosMode(n: number): ChaosMode;
export declare function chaosWorkMs(n: number): number;
export declare function chaosJobId(n: number): string;
export declare function chaosKeys(prefix: string): {
  done: string;
  doneAttempt: string;
  threw: string;
  hangStart: string;
  hangAbort: string;
  late: string;
  timeLimit: string;
  inflight: (pid: number) => string;
  stalls: string;
};
