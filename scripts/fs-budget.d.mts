export declare const FS_JS_GZIP_BUDGET: number;
