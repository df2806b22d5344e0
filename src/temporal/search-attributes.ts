/**
 * The worker's start-up check that the namespace has the search attributes the workflow writes,
 * with the right types. Without it a missing attribute shows only as workflow tasks failing
 * again and again with a warning in the log, and checks that never move.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/definitions';

const { IndexedValueType } = temporal.api.enums.v1;

/** `Keyword` → INDEXED_VALUE_TYPE_KEYWORD, and back for messages. */
const TYPE_VALUES: Record<string, number> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};
const typeName = (value: number) => Object.entries(TYPE_VALUES).find(([, v]) => v === value)?.[0] ?? String(value);

export class SearchAttributesMissingError extends Error {
  constructor(
    readonly namespace: string,
    readonly missing: string[],
    readonly wrongType: { name: string; actual: string; expected: string }[],
  ) {
    const problems = [
      ...missing.map(
        (name) => `  - ${name} (${SEARCH_ATTRIBUTE_TYPES[name as keyof typeof SEARCH_ATTRIBUTE_TYPES]}) is missing`,
      ),
      ...wrongType.map((w) => `  - ${w.name} is ${w.actual}, expected ${w.expected}`),
    ];
    const commands = [...missing, ...wrongType.map((w) => w.name)].map(
      (name) =>
        `  temporal operator search-attribute create --namespace ${namespace} --name ${name} --type ${
          SEARCH_ATTRIBUTE_TYPES[name as keyof typeof SEARCH_ATTRIBUTE_TYPES]
        }`,
    );
    super(
      [
        `Namespace "${namespace}" lacks search attributes the background-check workflow writes:`,
        ...problems,
        'Register them (on Temporal Cloud: in the console or with tcld), e.g.:',
        ...commands,
        ...(wrongType.length > 0 ? ['(an attribute of the wrong type must be removed first)'] : []),
      ].join('\n'),
    );
    this.name = 'SearchAttributesMissingError';
  }
}

interface OperatorService {
  listSearchAttributes(request: { namespace: string }): Promise<{ customAttributes?: Record<string, number> | null }>;
}

/**
 * Throws `SearchAttributesMissingError` naming each missing or mistyped attribute. Resolves
 * `'unchecked'` when the server does not let this identity list them (Temporal Cloud may refuse
 * the operator API to workers): the caller logs that and carries on.
 */
export async function checkSearchAttributes(
  operatorService: OperatorService,
  namespace: string,
): Promise<'ok' | 'unchecked'> {
  let custom: Record<string, number>;
  try {
    custom = (await operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (error) {
    const code = isGrpcServiceError(error) ? error.code : undefined;
    if (code === GrpcStatus.PERMISSION_DENIED || code === GrpcStatus.UNIMPLEMENTED) return 'unchecked';
    throw error;
  }
  const missing: string[] = [];
  const wrongType: { name: string; actual: string; expected: string }[] = [];
  for (const [name, expected] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
    const actual = custom[name];
    if (actual === undefined) missing.push(name);
    else if (actual !== TYPE_VALUES[expected]) wrongType.push({ name, actual: typeName(actual), expected });
  }
  if (missing.length > 0 || wrongType.length > 0) throw new SearchAttributesMissingError(namespace, missing, wrongType);
  return 'ok';
}
