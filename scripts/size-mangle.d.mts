export declare const MANGLED_PROPERTIES: string[];
export declare const mangleProperties: { keep_quoted: boolean; regex: RegExp };
