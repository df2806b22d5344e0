/** Activities used by the embedded service's test workflows. */
export async function greet(name: string): Promise<string> {
  return `Hello, ${name}`;
}

export async function double(n: number): Promise<number> {
  return n * 2;
}
