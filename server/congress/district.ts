/**
 * District ids are `<state>-<number>` without padding (`CA-12`, `NY-3`); at-large seats, delegates and the
 * resident commissioner are `<state>-AL` (`VT-AL`, `DC-AL`, `PR-AL`).
 */
export function districtId(state: string, district: number): string {
  return `${state}-${district === 0 ? 'AL' : district}`;
}

const DISTRICT = /^([a-z]{2})[\s-]?(?:(\d{1,2})|al|at[\s-]?large)$/i;

/** Reads what a person or a CSV may write (`ca-12`, `CA12`, `CA-05`, `VT-0`, `VT-AL`, `VT at-large`) as a district id. */
export function parseDistrict(input: string): string | null {
  const match = DISTRICT.exec(input.trim());
  if (!match) return null;
  const [, state = '', number] = match;
  return districtId(state.toUpperCase(), number === undefined ? 0 : Number(number));
}

export function stateOfDistrict(id: string): string {
  return id.slice(0, 2);
}
