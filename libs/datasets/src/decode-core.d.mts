export type TDecodeFailure = { message: string } | { width: number; height: number };
export function decodeRgbInto(bytes: Uint8Array, format: 'jpeg' | 'png', out: Uint8Array): TDecodeFailure | null;
