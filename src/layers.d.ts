/** Types of src/layers.js (a plain module, so eslint.config.js can load it without a TypeScript loader). */
export declare const LAYERS: Record<string, string[]>;
export declare const TRANSPORT_PACKAGES: string[];
