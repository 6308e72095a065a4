// A fitted imputer as JSON: what `qnnlab impute --save-model` writes and `--model` reads (and what the run engine
// stores). Schema-versioned and validated with zod on load, so that a wrong or damaged file gets a message naming
// the field instead of a crash halfway through an imputation.
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { describeIssue } from '../zod-issues.ts';

export const MODEL_FORMAT = 'qnnlab-imputer';
export const MODEL_VERSION = 1;

const target = z.union([z.strictObject({ kind: z.literal('numeric') }), z.strictObject({ kind: z.literal('categorical'), classes: z.number().int().min(2) })]);

const column = z.strictObject({
  name: z.string(),
  type: z.enum(['numeric', 'categorical', 'binary']),
  categories: z.array(z.string()).nullable(),
  target,
  /** Mean (numeric) or mode code (categorical) of the fit's observed cells: the initial fill. */
  initial: z.number(),
});

const step = z.strictObject({
  cycle: z.number().int().min(1),
  column: z.string(),
  standardise: z.strictObject({ mean: z.array(z.number()), sd: z.array(z.number()) }).nullable(),
  model: z.strictObject({ kind: z.string(), state: z.unknown() }),
});

export const imputationModelSchema = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  method: z.string(),
  /** The imputer's resolved options and full recipe. */
  options: z.record(z.string(), z.unknown()),
  recipe: z.record(z.string(), z.unknown()),
  seed: z.number(),
  /** The active columns (predictors; imputed when missing), in table order. */
  columns: z.array(column).min(1),
  /** The fit table's other columns (outcome, identifiers, excluded, empty): expected, never used. */
  passive: z.array(z.string()),
  /** Cycles of the fit, and how many times apply replays `steps` (1 when steps hold every cycle). */
  cycles: z.number().int().min(0),
  replay: z.number().int().min(0),
  steps: z.array(step),
  traces: z.array(z.strictObject({ cycle: z.number().int(), column: z.string(), mean: z.number().nullable(), sd: z.number().nullable() })),
});

export type ImputationModel = z.output<typeof imputationModelSchema>;
export type SavedColumn = ImputationModel['columns'][number];

/** Validates parsed JSON as a saved imputer; names the first wrong field. */
export function validateImputationModel(data: unknown): ImputationModel {
  if (data && typeof data === 'object' && (data as { format?: unknown }).format === MODEL_FORMAT && (data as { version?: unknown }).version !== MODEL_VERSION) {
    const v = (data as { version?: unknown }).version;
    throw new InvalidInputError(
      `This imputer model is format version ${String(v)}; this QNN Lab reads version ${MODEL_VERSION}. Fit the imputer again with this version.`,
      {
        field: 'version',
        value: v,
        allowed: String(MODEL_VERSION),
      },
    );
  }
  const parsed = imputationModelSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || '(root)';
    const what = issue.path.length === 0 || issue.path[0] === 'format' ? 'is not a QNN Lab imputer model' : 'is damaged';
    throw new InvalidInputError(`The file ${what}: "${field}" ${describeIssue(issue, data)}. Save the model again with qnnlab impute --save-model.`, { field });
  }
  const m = parsed.data;
  const names = new Set(m.columns.map((c) => c.name));
  for (const [k, s] of m.steps.entries()) {
    if (!names.has(s.column))
      throw new InvalidInputError(`The file is damaged: "steps.${k}.column" names "${s.column}", which is not one of its columns.`, {
        field: `steps.${k}.column`,
      });
  }
  return m;
}

/** Parses the text of a saved imputer. */
export function parseImputationModel(text: string): ImputationModel {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`The imputer model is not valid JSON (${(e as Error).message}). Give a file written by qnnlab impute --save-model.`);
  }
  return validateImputationModel(data);
}
