/**
 * zod building blocks for environment variables, shared by the core configuration and the
 * platform modules' own schemas: an unset or empty variable is "absent", numbers are coerced,
 * and every message says what a good value looks like.
 */
import { z } from 'zod';

/** An optional string where the empty string counts as unset (`FOO=` in a unit file). */
export const optionalNonEmpty = z.preprocess((v) => (v === '' ? undefined : v), z.string().trim().min(1).optional());

/** A positive whole number with a default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A URL with a default, e.g. an API root a private deployment or a test replaces. */
export const urlWithDefault = (fallback: string, example: string = fallback) => z.url({ message: `must be a URL, e.g. ${example}` }).default(fallback);
