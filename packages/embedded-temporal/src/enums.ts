/**
 * The Temporal API enums (`temporal.api.enums.v1`) as runtime objects, built from the same
 * `.proto` files as the services (name → number and number → name, like TypeScript enums).
 * Their types are those of `@temporalio/proto`, whose large runtime module the service does not
 * need to load for this.
 */
import type { temporal } from '@temporalio/proto';
import { loadPackageDefinition } from './proto';

type Enums = typeof temporal.api.enums.v1;

interface EnumDescriptor {
  format: string;
  type: { value: { name: string; number: number }[] };
}

const PACKAGE = 'temporal.api.enums.v1.';
const ENUM_FORMAT = 'Protocol Buffer 3 EnumDescriptorProto';

function buildEnums(): Enums {
  const result: Record<string, Record<string | number, string | number>> = {};
  for (const [name, entry] of Object.entries(loadPackageDefinition())) {
    if (!name.startsWith(PACKAGE) || (entry as Partial<EnumDescriptor>).format !== ENUM_FORMAT) continue;
    const values: Record<string | number, string | number> = {};
    for (const { name: valueName, number } of (entry as unknown as EnumDescriptor).type.value) {
      values[valueName] = number;
      values[number] = valueName;
    }
    result[name.slice(PACKAGE.length)] = values;
  }
  return result as unknown as Enums;
}

export const enums = buildEnums();
