import { z } from 'zod';

// A second definition of what the spec's UserCreate already says: reported with the type to use.
export const UserCreateSchema = z.object({ email: z.string().email(), name: z.string() });
