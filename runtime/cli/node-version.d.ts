/** Types of node-version.js (plain JavaScript: bin.js runs it before the TypeScript loader). */
export declare const SUPPORTED_NODE: string;
export declare const SUPPORTED_NODE_TEXT: string;
export declare function nodeVersionProblem(version: string): string | null;
