import { TypedSearchAttributes, defineSearchAttributeKey } from '@temporalio/common';
import {
  decodeTypedSearchAttributes,
  encodeUnifiedSearchAttributes,
} from '@temporalio/common/lib/converter/payload-search-attributes';
import {
  INDEXED_VALUE_TYPE_NUMBER,
  SearchAttributeError,
  SearchAttributeRegistry,
  parseIndexedValueType,
  type PayloadLike,
} from '../../src/visibility/search-attributes';

const keys = {
  keyword: defineSearchAttributeKey('CustomKeyword', 'KEYWORD'),
  text: defineSearchAttributeKey('CustomText', 'TEXT'),
  int: defineSearchAttributeKey('CustomInt', 'INT'),
  double: defineSearchAttributeKey('CustomDouble', 'DOUBLE'),
  bool: defineSearchAttributeKey('CustomBool', 'BOOL'),
  datetime: defineSearchAttributeKey('CustomDatetime', 'DATETIME'),
  keywordList: defineSearchAttributeKey('CustomKeywordList', 'KEYWORD_LIST'),
};

function registryWithAllTypes(): SearchAttributeRegistry {
  return new SearchAttributeRegistry({
    CustomKeyword: 'Keyword',
    CustomText: 'Text',
    CustomInt: 'Int',
    CustomDouble: 'Double',
    CustomBool: 'Bool',
    CustomDatetime: 'Datetime',
    CustomKeywordList: 'KeywordList',
  });
}

const typedValues = new TypedSearchAttributes([
  { key: keys.keyword, value: 'check-1' },
  { key: keys.text, value: 'a longer text' },
  { key: keys.int, value: 42 },
  { key: keys.double, value: 2.5 },
  { key: keys.bool, value: true },
  { key: keys.datetime, value: new Date('2024-05-06T07:08:09.123Z') },
  { key: keys.keywordList, value: ['a', 'b'] },
]);

function jsonPayload(value: unknown): PayloadLike {
  return {
    metadata: { encoding: new TextEncoder().encode('json/plain') },
    data: new TextEncoder().encode(JSON.stringify(value)),
  };
}

function withoutType(payload: PayloadLike): PayloadLike {
  const { type: _type, ...metadata } = payload.metadata ?? {};
  return { ...payload, metadata };
}

describe('SearchAttributeRegistry: definitions', () => {
  it('pre-registers the system and predefined attributes the real server lists', () => {
    const { systemAttributes, customAttributes } = new SearchAttributeRegistry().list();
    expect(customAttributes).toEqual({});
    expect(systemAttributes).toMatchObject({
      WorkflowId: INDEXED_VALUE_TYPE_NUMBER.Keyword,
      ExecutionStatus: INDEXED_VALUE_TYPE_NUMBER.Keyword,
      StartTime: INDEXED_VALUE_TYPE_NUMBER.Datetime,
      CloseTime: INDEXED_VALUE_TYPE_NUMBER.Datetime,
      HistoryLength: INDEXED_VALUE_TYPE_NUMBER.Int,
      TemporalChangeVersion: INDEXED_VALUE_TYPE_NUMBER.KeywordList,
      BinaryChecksums: INDEXED_VALUE_TYPE_NUMBER.KeywordList,
      BuildIds: INDEXED_VALUE_TYPE_NUMBER.KeywordList,
      TemporalScheduledById: INDEXED_VALUE_TYPE_NUMBER.Keyword,
      TemporalSchedulePaused: INDEXED_VALUE_TYPE_NUMBER.Bool,
    });
  });

  it('adds custom attributes and lists them with their proto enum numbers', () => {
    const registry = new SearchAttributeRegistry({ OrganisationId: 'Keyword' });
    registry.add('Score', 'INDEXED_VALUE_TYPE_DOUBLE');
    registry.add('Tags', 7);
    const listed = registry.list();
    expect(listed.customAttributes).toEqual({ OrganisationId: 2, Score: 4, Tags: 7 });
    expect(listed.systemAttributes).not.toHaveProperty('OrganisationId');
    expect(registry.typeOf('Tags')).toBe('KeywordList');
  });

  it('accepts every spelling of a type', () => {
    expect(
      ['KeywordList', 'KEYWORD_LIST', 'keywordlist', 'INDEXED_VALUE_TYPE_KEYWORD_LIST', 7].map(parseIndexedValueType),
    ).toEqual(Array(5).fill('KeywordList'));
    expect(() => parseIndexedValueType('Integer')).toThrow('unknown search attribute type "Integer"');
    expect(() => parseIndexedValueType(0)).toThrow(SearchAttributeError);
  });

  it('treats re-adding with the same type as a no-op and rejects a different type', () => {
    const registry = new SearchAttributeRegistry({ Stage: 'Keyword' });
    expect(() => registry.add('Stage', 'KEYWORD')).not.toThrow();
    expect(() => registry.add('Stage', 'Int')).toThrow('search attribute Stage already exists with type Keyword');
  });

  it.each(['WorkflowId', 'TemporalChangeVersion', 'TemporalAnything', 'NamespaceId', 'BatcherUser'])(
    'rejects the reserved name %s',
    (name) => {
      expect(() => new SearchAttributeRegistry().add(name, 'Keyword')).toThrow(
        `search attribute ${name} is reserved by system`,
      );
    },
  );

  it('rejects names that cannot be written in a query', () => {
    expect(() => new SearchAttributeRegistry().add('', 'Keyword')).toThrow('is not valid');
    expect(() => new SearchAttributeRegistry().add('a`b', 'Keyword')).toThrow('is not valid');
  });

  it('removes only custom attributes', () => {
    const registry = new SearchAttributeRegistry({ Stage: 'Keyword' });
    registry.remove('Stage');
    expect(registry.typeOf('Stage')).toBeUndefined();
    expect(() => registry.remove('WorkflowId')).toThrow("search attribute WorkflowId doesn't exist");
  });
});

describe('SearchAttributeRegistry: payloads from the real SDK encoder', () => {
  const payloads = encodeUnifiedSearchAttributes(undefined, typedValues);

  it('decodes typed payloads to JS values', () => {
    expect(registryWithAllTypes().decodeAll(payloads)).toEqual({
      CustomKeyword: 'check-1',
      CustomText: 'a longer text',
      CustomInt: 42,
      CustomDouble: 2.5,
      CustomBool: true,
      CustomDatetime: new Date('2024-05-06T07:08:09.123Z'),
      CustomKeywordList: ['a', 'b'],
    });
  });

  it('decodes the legacy untyped encoding (every value wrapped in an array)', () => {
    const legacy = encodeUnifiedSearchAttributes({
      CustomKeyword: ['check-1'],
      CustomDatetime: [new Date('2024-05-06T07:08:09Z')],
      CustomKeywordList: ['x', 'y'],
    });
    expect(registryWithAllTypes().decodeAll(legacy)).toEqual({
      CustomKeyword: 'check-1',
      CustomDatetime: new Date('2024-05-06T07:08:09Z'),
      CustomKeywordList: ['x', 'y'],
    });
  });

  it('restores the type metadata so the SDK can decode typed attributes again', () => {
    const registry = registryWithAllTypes();
    const stripped = Object.fromEntries(Object.entries(payloads).map(([name, p]) => [name, withoutType(p)]));
    // Without the type, the SDK's typed decoder drops every value.
    expect(decodeTypedSearchAttributes(stripped as never).getAll()).toEqual([]);

    const restored = Object.fromEntries(
      Object.entries(stripped).map(([name, p]) => [name, registry.withTypeMetadata(name, p)]),
    );
    expect(decodeTypedSearchAttributes(restored as never).getAll()).toEqual(typedValues.getAll());
    // Payloads that already carry a type are returned unchanged, and inputs are not mutated.
    expect(registry.withTypeMetadata('CustomInt', payloads.CustomInt!)).toBe(payloads.CustomInt);
    expect(stripped.CustomInt!.metadata).not.toHaveProperty('type');
  });

  it('treats a typed deletion (null value) as unset and leaves it untyped', () => {
    const registry = registryWithAllTypes();
    const deletion = encodeUnifiedSearchAttributes(undefined, [{ key: keys.keyword, value: null }]);
    expect(registry.decode('CustomKeyword', deletion.CustomKeyword!)).toBeNull();
    expect(registry.withTypeMetadata('CustomKeyword', deletion.CustomKeyword!).metadata).not.toHaveProperty('type');
    expect(registry.decodeAll(deletion)).toEqual({});
    expect(() => registry.validateUpsert(deletion)).not.toThrow();
  });
});

describe('SearchAttributeRegistry: upsert validation', () => {
  it('accepts values of the registered type, including the predefined TemporalChangeVersion', () => {
    const registry = registryWithAllTypes();
    expect(() =>
      registry.validateUpsert({
        ...encodeUnifiedSearchAttributes(undefined, typedValues),
        TemporalChangeVersion: jsonPayload(['my-patch']),
      }),
    ).not.toThrow();
  });

  it('rejects an attribute that is not defined', () => {
    expect(() => registryWithAllTypes().validateUpsert({ Unknown: jsonPayload('x') })).toThrow(
      'search attribute Unknown is not defined',
    );
  });

  it('rejects system attributes, which only the server sets', () => {
    expect(() => registryWithAllTypes().validateUpsert({ WorkflowId: jsonPayload('x') })).toThrow(
      "WorkflowId attribute can't be set in SearchAttributes",
    );
  });

  it.each([
    ['CustomInt', 'seven'],
    ['CustomInt', 1.5],
    ['CustomDouble', 'x'],
    ['CustomBool', 'true'],
    ['CustomKeyword', 3],
    ['CustomKeyword', ['a', 'b']],
    ['CustomDatetime', 'yesterday'],
    ['CustomDatetime', '2024-05-06'],
    ['CustomKeywordList', ['a', 1]],
  ])('rejects %s = %j', (name, value) => {
    const registry = registryWithAllTypes();
    expect(() => registry.validateUpsert({ [name]: jsonPayload(value) })).toThrow(
      `invalid value for search attribute ${name} of type ${registry.typeOf(name)}: ${JSON.stringify(value)}`,
    );
  });

  it('rejects payloads that are not JSON', () => {
    const registry = registryWithAllTypes();
    const binary: PayloadLike = {
      metadata: { encoding: new TextEncoder().encode('binary/plain') },
      data: new Uint8Array([1]),
    };
    expect(() => registry.validateUpsert({ CustomKeyword: binary })).toThrow(
      'unsupported payload encoding binary/plain',
    );
    expect(() =>
      registry.validateUpsert({ CustomKeyword: { ...jsonPayload(0), data: new TextEncoder().encode('{') } }),
    ).toThrow('search attribute CustomKeyword payload is not valid JSON');
  });
});
