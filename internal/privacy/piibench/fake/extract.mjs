// Writes the fake values the benchmark generator draws from, out of
// @faker-js/faker's locale data (MIT, see LICENSE). Run from the repository
// root after `npm pack @faker-js/faker@10.6.0` and unpacking it:
//
//	node internal/privacy/piibench/fake/extract.mjs /path/to/faker/package
import fs from 'node:fs';
import path from 'node:path';

const pkg = process.argv[2];
const { fakerEN_US, fakerDE } = await import(path.join(pkg, 'dist/index.js'));
const out = path.dirname(new URL(import.meta.url).pathname);
const uniq = (...lists) => [...new Set(lists.flat().filter(Boolean))].sort();
for (const [lang, f] of [['en', fakerEN_US], ['de', fakerDE]]) {
  const d = f.rawDefinitions;
  const files = {
    first: uniq(d.person.first_name.generic, d.person.first_name.female, d.person.first_name.male),
    last: uniq(d.person.last_name.generic, d.person.last_name.female, d.person.last_name.male),
    city: uniq(d.location.city_name),
    street: uniq(d.location.street_name),
    country: uniq(d.location.country),
    state: uniq(d.location.state),
  };
  for (const [name, list] of Object.entries(files)) {
    fs.writeFileSync(path.join(out, `${lang}_${name}.txt`), list.join('\n') + '\n');
  }
}
