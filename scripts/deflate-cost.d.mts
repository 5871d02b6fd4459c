export declare function deflateCost(gzipped: Uint8Array): { costs: Float64Array; overheadBits: number };
