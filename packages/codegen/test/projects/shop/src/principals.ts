// Each security scheme's principal, typed once for every controller context.
declare module '@specfirst/runtime' {
  interface Principals {
    bearer: { userId: string };
    apiKey: { key: string };
  }
}

export {};
