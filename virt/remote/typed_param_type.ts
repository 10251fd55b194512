// virTypedParameterType on its own, so that commands reading typed parameters need not load
// the whole protocol table.

/** virTypedParameterType: the discriminant of a typed parameter's value. */
export const TypedParamType = {
  INT: 1,
  UINT: 2,
  LLONG: 3,
  ULLONG: 4,
  DOUBLE: 5,
  BOOLEAN: 6,
  STRING: 7,
} as const;
