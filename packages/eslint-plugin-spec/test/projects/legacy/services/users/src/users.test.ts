// Tests may declare their own shapes.
export interface User {
  id: string;
}
