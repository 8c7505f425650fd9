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
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { JSONSchemaFaker } from 'json-schema-faker';
import YAML from 'yaml';
import Ajv from 'ajv';

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

// The budgeted generator of one attempt: throws once it has drawn `DRAWS` numbers.
class OverBudget extends Error {}
function budgeted(seed) {
  const next = seeded(seed);
  let left = DRAWS;
  return () => {
    left -= 1;
    if (left < 0) throw new OverBudget(`no instance within ${DRAWS} random draws (the schema expands without end)`);
    return next();
  };
}

function toJson(path) {
  const text = readFileSync(path, 'utf8');
  // Real documents use many anchors and aliases; integer keys (`200:`) become strings.
  const value = YAML.parse(text, { maxAliasCount: -1, uniqueKeys: false });
  process.stdout.write(JSON.stringify(value));
}

// Options of every request; `random` and the optionals are set per request.
const OPTIONS = {
  // Only the properties the schema declares: extra ones are a different test.
  fillProperties: false,
  // Values from the schema's constraints, not from its examples or defaults (which the
  // document's authors may have got wrong).
  useDefaultValue: false,
  useExamplesValue: false,
  failOnInvalidTypes: false,
  failOnInvalidFormat: false,
  // Small instances: two items per array. The sampler expands each `$ref` at most
  // `refDepthMax` times per instance and leaves `{}` after that (an invalid value where the
  // schema wants an object): a fixed budget of 12 is enough for real schemas that use one type
  // many times (an amount type in every price), and instances that are still invalid are
  // sampled again with fewer optional properties (see ATTEMPTS).
  minItems: 0,
  maxItems: 2,
  refDepthMin: 12,
  refDepthMax: 12,
  ignoreMissingRefs: false,
};

// The work one attempt may do, counted in random draws (every value the sampler makes draws at
// least one): some documents' schemas make the sampler expand without end (a recursive type
// reached through many properties), and counting draws stops those after the same work on every
// machine, so the answer does not depend on the machine's load. The largest valid instance of
// the corpus needs about 100,000 (OpenAI's); most need under 1,000.
const DRAWS = 200000;
// Only a safety net for a sampler bug that loops without drawing: a request still running after
// this long, or needing more memory than the worker may have, is given up (an error line for
// it) and the next one runs in a new worker. The draw budget ends every request seen so far in
// well under a second.
const REQUEST_SECONDS = 120;
// json-schema-faker does not always produce a valid instance (a `$ref` past its budget, an
// `allOf` it merges loosely): every instance is validated with Ajv against the same schema, and
// an invalid one is sampled again with the next seed, up to this many times in all.
const ATTEMPTS = 5;
const WORKER_HEAP_MB = 1536;

// The definitions a schema reaches through `$ref`s: the sampler copies the schema it is given,
// so it gets these only, not the whole document's.
function reachable(schema, definitions) {
  const keys = new Set();
  const stack = [schema];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      stack.push(...value);
    } else if (value !== null && typeof value === 'object') {
      for (const [word, child] of Object.entries(value)) {
        if (word === '$ref' && typeof child === 'string' && child.startsWith('#/definitions/')) {
          const key = child.slice('#/definitions/'.length);
          if (!keys.has(key) && key in definitions) {
            keys.add(key);
            stack.push(definitions[key]);
          }
        } else {
          stack.push(child);
        }
      }
    }
  }
  return Object.fromEntries([...keys].map((key) => [key, definitions[key]]));
}

// The schema as Ajv (draft-07) reads it: the draft-04 `exclusiveMinimum: true` the sampler
// needs becomes `exclusiveMinimum: <minimum>`.
function forAjv(value) {
  if (Array.isArray(value)) return value.map(forAjv);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [word, child] of Object.entries(value)) out[word] = forAjv(child);
  for (const [exclusive, inclusive] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (out[exclusive] === true && typeof out[inclusive] === 'number') {
      out[exclusive] = out[inclusive];
      delete out[inclusive];
    } else if (typeof out[exclusive] === 'boolean') {
      delete out[exclusive];
    }
  }
  return out;
}

// One request: a valid instance, or why there is none.
function answer(request, definitions, validate) {
  const schema = { ...request.schema, definitions: reachable(request.schema, definitions) };
  let why = '';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // After two tries, fewer optional properties: fewer `$ref`s to expand.
    const all = request.optionals === 'all' && attempt < 2;
    const probability = attempt < 2 ? (all ? 1 : 0.5) : 0.25;
    // json-schema-faker draws from `random`, but some of its generators (numbers with a
    // fractional `multipleOf`, untyped values) call `Math.random` directly: both are the seeded
    // generator, so an instance depends on its seed alone.
    const random = budgeted(request.seed + attempt * 7919);
    Math.random = random;
    JSONSchemaFaker.option({
      ...OPTIONS,
      random,
      alwaysFakeOptionals: all,
      optionalsProbability: probability,
    });
    let instance;
    try {
      instance = JSONSchemaFaker.generate(schema);
    } catch (error) {
      const budget = error instanceof OverBudget || String(error).includes('random draws');
      if (budget && attempt < ATTEMPTS - 1) {
        why = String(error.message || error);
        continue;
      }
      return { id: request.id, error: String(error.message || error).split('\n')[0] };
    }
    if (validate(instance)) return { id: request.id, instance };
    const error = validate.errors[0];
    why = `${error.instancePath || '/'} ${error.message}`;
  }
  return { id: request.id, error: `no valid instance in ${ATTEMPTS} tries (last: at ${why})` };
}

// In a worker: samples the job's requests from `first` on, posting one answer each.
function sampleInWorker({ jobPath, first }) {
  const job = JSON.parse(readFileSync(jobPath, 'utf8'));
  // `validateSchema: false`: a definition that breaks a rule of the meta-schema only
  // (a `required` listing a name twice, OpenAI's) is still a schema Ajv can check against.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false, validateSchema: false });
  ajv.addSchema({ $id: 'job', definitions: forAjv(job.definitions) });
  for (const request of job.requests.slice(first)) {
    parentPort.postMessage({ started: request.id });
    let result;
    try {
      const key = request.schema.$ref.slice('#/definitions/'.length);
      const validate = ajv.getSchema(`job#/definitions/${key}`);
      result = answer(request, job.definitions, validate);
    } catch (error) {
      result = { id: request.id, error: String(error.message || error).split('\n')[0] };
    }
    parentPort.postMessage({ answer: JSON.stringify(result) });
  }
}

// Runs the requests in workers, restarting after a request that hangs or runs out of memory.
async function sample(jobPath, outPath) {
  const count = JSON.parse(readFileSync(jobPath, 'utf8')).requests.length;
  const lines = [];
  let next = 0;
  while (next < count) {
    next = await new Promise((resolve) => {
      let current = next;
      let done = false;
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { jobPath, first: next },
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      const giveUp = (why) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        lines.push(JSON.stringify({ id: current, error: why }));
        worker.terminate();
        resolve(current + 1);
      };
      let timer = setTimeout(() => giveUp(`no instance within ${REQUEST_SECONDS} s`), REQUEST_SECONDS * 1000);
      worker.on('message', (message) => {
        if (message.started !== undefined) {
          current = message.started;
          clearTimeout(timer);
          timer = setTimeout(() => giveUp(`no instance within ${REQUEST_SECONDS} s`), REQUEST_SECONDS * 1000);
        } else {
          lines.push(message.answer);
        }
      });
      worker.on('error', (error) => giveUp(`the sampler failed: ${String(error.message || error).split('\n')[0]}`));
      worker.on('exit', () => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          resolve(count);
        }
      });
    });
  }
  writeFileSync(outPath, lines.join('\n') + '\n');
}

const [mode, ...args] = process.argv.slice(2);
if (!isMainThread) {
  sampleInWorker(workerData);
} else if (mode === 'to-json' && args.length === 1) {
  toJson(args[0]);
} else if (mode === 'sample' && args.length === 2) {
  await sample(args[0], args[1]);
} else {
  process.stderr.write('usage: node sample.mjs to-json DOCUMENT | sample JOB OUT\n');
  process.exit(2);
}
