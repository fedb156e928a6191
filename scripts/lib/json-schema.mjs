// A small JSON Schema validator (draft-07 / 2019-09 keywords) for the
// schemas this repository vendors, written to avoid a dependency on ajv.
//
// It implements the validation keywords listed in KEYWORDS and refuses a
// schema that uses any other keyword (rather than silently ignoring it), so
// swapping in a newer schema cannot quietly weaken validation. $ref supports
// local JSON pointers ("#/definitions/x"). Formats are checked only when a
// checker is passed in `formats`; an unknown format is an error too.
const ANNOTATIONS = new Set([
  '$schema',
  'id',
  '$id',
  'title',
  'description',
  'deprecated',
  'default',
  'examples',
  '$comment',
  'definitions',
  '$defs',
  'readOnly',
  'writeOnly',
]);
const KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'propertyNames',
  'minProperties',
  'maxProperties',
  'items',
  'additionalItems',
  'uniqueItems',
  'minItems',
  'maxItems',
  'contains',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'dependencies',
  '$ref',
]);

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
function matchesType(value, type) {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    default:
      return typeOf(value) === type;
  }
}
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
const pointerPart = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

export function compileSchema(root, { formats = {} } = {}) {
  const regexCache = new Map();
  const regex = (p) => {
    if (!regexCache.has(p)) regexCache.set(p, new RegExp(p, 'u'));
    return regexCache.get(p);
  };
  function resolve(ref) {
    if (!ref.startsWith('#')) throw new Error(`unsupported remote $ref ${ref}`);
    let node = root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = node?.[key];
    }
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return node;
  }
  // Refuse unknown keywords and formats up front in every schema reachable
  // from the root (unreferenced "definitions" entries never take part).
  const audited = new Set();
  (function audit(schema, where) {
    if (typeof schema === 'boolean' || audited.has(schema)) return;
    if (!schema || typeof schema !== 'object') throw new Error(`${where}: schema must be an object or boolean`);
    audited.add(schema);
    for (const [key, sub] of Object.entries(schema)) {
      if (key.startsWith('x-')) continue;
      if (!KEYWORDS.has(key) && !ANNOTATIONS.has(key)) throw new Error(`${where}: unsupported keyword "${key}"`);
      if (key === 'format' && !(sub in formats)) throw new Error(`${where}: no checker for format "${sub}"`);
      if (key === '$ref') audit(resolve(sub), sub);
      else if (['properties', 'patternProperties', 'dependencies'].includes(key)) {
        for (const [k, s] of Object.entries(sub)) if (!Array.isArray(s)) audit(s, `${where}/${key}/${k}`);
      } else if (['items'].includes(key) && Array.isArray(sub)) {
        sub.forEach((s, i) => audit(s, `${where}/items/${i}`));
      } else if (['oneOf', 'anyOf', 'allOf'].includes(key)) {
        sub.forEach((s, i) => audit(s, `${where}/${key}/${i}`));
      } else if (
        ['items', 'additionalProperties', 'additionalItems', 'not', 'propertyNames', 'contains', 'if', 'then', 'else'].includes(key)
      ) {
        audit(sub, `${where}/${key}`);
      }
    }
  })(root, '#');

  function validate(schema, value, path, errors) {
    if (schema === true) return;
    if (schema === false) {
      errors.push({ path, message: 'is not allowed here' });
      return;
    }
    if (schema.$ref) validate(resolve(schema.$ref), value, path, errors);

    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => matchesType(value, t))) {
        errors.push({ path, message: `must be ${types.join(' or ')}, got ${typeOf(value)}` });
        return;
      }
    }
    if (schema.enum && !schema.enum.some((e) => canonical(e) === canonical(value))) {
      errors.push({ path, message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
    }
    if ('const' in schema && canonical(schema.const) !== canonical(value))
      errors.push({ path, message: `must be ${JSON.stringify(schema.const)}` });

    if (typeOf(value) === 'object') {
      const keys = Object.keys(value);
      for (const req of schema.required ?? []) if (!(req in value)) errors.push({ path, message: `is missing required property "${req}"` });
      if (schema.minProperties !== undefined && keys.length < schema.minProperties)
        errors.push({ path, message: `needs at least ${schema.minProperties} properties` });
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties)
        errors.push({ path, message: `allows at most ${schema.maxProperties} properties` });
      for (const key of keys) {
        const sub = `${path}/${pointerPart(key)}`;
        let matched = false;
        if (schema.properties && key in schema.properties) {
          matched = true;
          validate(schema.properties[key], value[key], sub, errors);
        }
        for (const [pattern, s] of Object.entries(schema.patternProperties ?? {})) {
          if (regex(pattern).test(key)) {
            matched = true;
            validate(s, value[key], sub, errors);
          }
        }
        if (!matched && schema.additionalProperties !== undefined) {
          if (schema.additionalProperties === false) errors.push({ path: sub, message: 'is not an allowed property' });
          else validate(schema.additionalProperties, value[key], sub, errors);
        }
        if (schema.propertyNames) validate(schema.propertyNames, key, sub, errors);
      }
      for (const [key, dep] of Object.entries(schema.dependencies ?? {})) {
        if (!(key in value)) continue;
        if (Array.isArray(dep)) {
          for (const d of dep) if (!(d in value)) errors.push({ path, message: `"${key}" requires "${d}"` });
        } else validate(dep, value, path, errors);
      }
    }

    if (Array.isArray(value)) {
      if (Array.isArray(schema.items)) {
        value.forEach((v, i) => {
          if (i < schema.items.length) validate(schema.items[i], v, `${path}/${i}`, errors);
          else if (schema.additionalItems !== undefined) validate(schema.additionalItems, v, `${path}/${i}`, errors);
        });
      } else if (schema.items !== undefined) {
        value.forEach((v, i) => validate(schema.items, v, `${path}/${i}`, errors));
      }
      if (schema.minItems !== undefined && value.length < schema.minItems)
        errors.push({ path, message: `needs at least ${schema.minItems} items` });
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        errors.push({ path, message: `allows at most ${schema.maxItems} items` });
      if (schema.uniqueItems) {
        const seen = new Set();
        for (const v of value) {
          const c = canonical(v);
          if (seen.has(c)) {
            errors.push({ path, message: `has duplicate item ${c}` });
            break;
          }
          seen.add(c);
        }
      }
      if (schema.contains !== undefined && !value.some((v) => isValid(schema.contains, v))) {
        errors.push({ path, message: 'contains no matching item' });
      }
    }

    if (typeof value === 'number') {
      if (schema.minimum !== undefined && value < schema.minimum) errors.push({ path, message: `must be >= ${schema.minimum}` });
      if (schema.maximum !== undefined && value > schema.maximum) errors.push({ path, message: `must be <= ${schema.maximum}` });
      if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
        errors.push({ path, message: `must be > ${schema.exclusiveMinimum}` });
      if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
        errors.push({ path, message: `must be < ${schema.exclusiveMaximum}` });
      if (schema.multipleOf !== undefined && Math.abs(value / schema.multipleOf - Math.round(value / schema.multipleOf)) > 1e-9)
        errors.push({ path, message: `must be a multiple of ${schema.multipleOf}` });
    }

    if (typeof value === 'string') {
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength)
        errors.push({ path, message: `must be at least ${schema.minLength} characters` });
      if (schema.maxLength !== undefined && length > schema.maxLength)
        errors.push({ path, message: `must be at most ${schema.maxLength} characters` });
      if (schema.pattern !== undefined && !regex(schema.pattern).test(value))
        errors.push({ path, message: `must match ${schema.pattern}` });
      if (schema.format !== undefined && !formats[schema.format](value))
        errors.push({ path, message: `${JSON.stringify(value)} is not a valid ${schema.format}` });
    }

    if (schema.allOf) for (const s of schema.allOf) validate(s, value, path, errors);
    if (schema.anyOf) {
      const branches = schema.anyOf.map((s) => {
        const e = [];
        validate(s, value, path, e);
        return e;
      });
      if (!branches.some((e) => e.length === 0)) errors.push(...closest(branches, path, 'does not match any allowed form'));
    }
    if (schema.oneOf) {
      const branches = schema.oneOf.map((s) => {
        const e = [];
        validate(s, value, path, e);
        return e;
      });
      const passing = branches.filter((e) => e.length === 0).length;
      if (passing === 0) errors.push(...closest(branches, path, 'does not match any allowed form'));
      else if (passing > 1) errors.push({ path, message: `matches ${passing} forms where exactly one is allowed` });
    }
    if (schema.not !== undefined && isValid(schema.not, value)) errors.push({ path, message: 'matches a form that is not allowed' });
    if (schema.if !== undefined) {
      if (isValid(schema.if, value)) {
        if (schema.then !== undefined) validate(schema.then, value, path, errors);
      } else if (schema.else !== undefined) validate(schema.else, value, path, errors);
    }
  }
  function isValid(schema, value) {
    const e = [];
    validate(schema, value, '', e);
    return e.length === 0;
  }
  // For a failed oneOf/anyOf, report the errors of the branch that got
  // furthest (deepest error path, then fewest errors) instead of all of them.
  function closest(branches, path, fallback) {
    const typeFailure = (e) => e.length === 1 && e[0].path === path && e[0].message.startsWith('must be ');
    const candidates = branches.filter((e) => !typeFailure(e));
    if (candidates.length === 0)
      return [{ path, message: `${fallback} (${branches.map((e) => e[0].message.replace(/, got .*/, '')).join('; ')})` }];
    const depth = (e) => Math.max(...e.map((x) => x.path.split('/').length));
    candidates.sort((a, b) => depth(b) - depth(a) || a.length - b.length);
    return candidates[0];
  }

  return (value) => {
    const errors = [];
    validate(root, value, '', errors);
    return errors;
  };
}
