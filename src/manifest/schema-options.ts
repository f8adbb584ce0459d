/** Ajv's options for the manifest schemas, shared by the run-time compile and the ahead-of-time one (scripts/build-validators.mjs). */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;
