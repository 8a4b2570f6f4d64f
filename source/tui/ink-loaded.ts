// Ink, loaded with fetch out of sight (./fetch-hidden.ts says why), then fetch as it was. Imported before anything
// else that loads Ink: the imports run in this order, and this module's body after Ink's (its layout engine waits
// for its WebAssembly).
import {restoreFetch} from './fetch-hidden.js';
import 'ink';

restoreFetch();
