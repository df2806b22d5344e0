/** Namespaces, each with its own search attribute registry. */
import { randomUUID } from 'node:crypto';
import { notFound } from './errors';
import { SearchAttributeRegistry } from './visibility';

/** Custom attributes the dev server and the test server register out of the box (SDK tests use them). */
const DEFAULT_CUSTOM_SEARCH_ATTRIBUTES = {
  CustomKeywordField: 'Keyword',
  CustomStringField: 'Text',
  CustomTextField: 'Text',
  CustomIntField: 'Int',
  CustomDoubleField: 'Double',
  CustomBoolField: 'Bool',
  CustomDatetimeField: 'Datetime',
} as const;

export class Namespace {
  readonly id = randomUUID();
  readonly searchAttributes = new SearchAttributeRegistry(DEFAULT_CUSTOM_SEARCH_ATTRIBUTES);

  constructor(readonly name: string) {}
}

export class Namespaces {
  private readonly byName = new Map<string, Namespace>();

  register(name: string): Namespace {
    let ns = this.byName.get(name);
    if (!ns) {
      ns = new Namespace(name);
      this.byName.set(name, ns);
    }
    return ns;
  }

  get(name: string | null | undefined): Namespace {
    const ns = this.byName.get(name || 'default');
    if (!ns) throw notFound(`Namespace ${name} is not found.`);
    return ns;
  }

  all(): Namespace[] {
    return [...this.byName.values()];
  }
}
