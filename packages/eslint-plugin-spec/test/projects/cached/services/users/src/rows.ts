// Not a spec model yet; it becomes one when the test adds `UserRow` to spec/models.yaml.
export interface UserRow {
  id: string;
}
