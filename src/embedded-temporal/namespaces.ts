/** Namespaces, each with its own search attribute registry. */
import { randomUUID } from 'node:crypto';
import { notFound } from './errors';
import { SearchAttributeRegistry } from './visibility';

export class Namespace {
  readonly id = randomUUID();
  readonly searchAttributes = new SearchAttributeRegistry();

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
