// The three parts of vectra the index uses. vectra's entry point loads everything it has (its own
// OpenAI client, web fetchers, a gRPC server: 1.0 s and 120 MB measured on Node 24), so this loads
// the parts' own files. The bundles replace this module with static imports of the same files
// (esbuild.config.mjs), leaving out the English NLP model behind vectra's isBm25 option.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Vectra from 'vectra';

const require = createRequire(import.meta.url);
const lib = dirname(require.resolve('vectra'));

export const { LocalIndex } = require(join(lib, 'LocalIndex.js')) as Pick<typeof Vectra, 'LocalIndex'>;
export const { ProtobufCodec } = require(join(lib, 'codecs', 'ProtobufCodec.js')) as Pick<typeof Vectra, 'ProtobufCodec'>;
export const { LocalFileStorage } = require(join(lib, 'storage', 'LocalFileStorage.js')) as Pick<typeof Vectra, 'LocalFileStorage'>;
