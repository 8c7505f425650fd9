// The conformance gate's instance generator (`cargo xtask conformance`, xtask/src/conformance.rs).
//
//   node sample.mjs to-json DOCUMENT        the YAML or JSON document as JSON, on stdout
//   node sample.mjs sample JOB OUT          instances for the job's requests, as JSON lines in OUT
//
// JOB is JSON: {"definitions": {KEY: JSON Schema}, "requests": [{"id", "schema", "seed",
// "optionals"}]}. Every request's schema is sampled with json-schema-faker against the shared
// definitions (`{"$ref": "#/definitions/KEY"}`), with a pseudo-random generator seeded by the
// request's own seed, so that an instance depends only on its schema and seed. `optionals`:
// "all" fills every optional property, "some" each with probability one half. Each line of
// OUT is {"id", "instance"} or {"id", "error"}.
//
// The sampler knows nothing of OpenAPI: xtask converts the document's schemas to JSON Schema
// first (nullable, discriminators, readOnly/writeOnly, $ref resolution).

import { readFileSync, writeFileSync } from 'node:fs';
import { JSONSchemaFaker } from 'json-schema-faker';
import YAML from 'yaml';

// mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same sequence.
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toJson(path) {
  const text = readFileSync(path, 'utf8');
  // Real documents use many anchors and aliases; integer keys (`200:`) become strings.
  const value = YAML.parse(text, { maxAliasCount: -1, uniqueKeys: false });
  process.stdout.write(JSON.stringify(value));
}

function sample(jobPath, outPath) {
  const job = JSON.parse(readFileSync(jobPath, 'utf8'));
  const lines = [];
  for (const request of job.requests) {
    JSONSchemaFaker.option({
      random: seeded(request.seed),
      alwaysFakeOptionals: request.optionals === 'all',
      optionalsProbability: request.optionals === 'all' ? 1 : 0.5,
      // Only the properties the schema declares: extra ones are a different test.
      fillProperties: false,
      // Values from the schema's constraints, not from its examples or defaults (which the
      // document's authors may have got wrong).
      useDefaultValue: false,
      useExamplesValue: false,
      failOnInvalidTypes: false,
      failOnInvalidFormat: false,
      // Small instances: two items per array, recursion cut after two levels.
      minItems: 0,
      maxItems: 2,
      refDepthMin: 0,
      refDepthMax: 2,
      ignoreMissingRefs: false,
    });
    const schema = { ...request.schema, definitions: job.definitions };
    try {
      const instance = JSONSchemaFaker.generate(schema);
      lines.push(JSON.stringify({ id: request.id, instance }));
    } catch (error) {
      lines.push(JSON.stringify({ id: request.id, error: String(error.message || error).split('\n')[0] }));
    }
  }
  writeFileSync(outPath, lines.join('\n') + '\n');
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'to-json' && args.length === 1) {
  toJson(args[0]);
} else if (mode === 'sample' && args.length === 2) {
  sample(args[0], args[1]);
} else {
  process.stderr.write('usage: node sample.mjs to-json DOCUMENT | sample JOB OUT\n');
  process.exit(2);
}
