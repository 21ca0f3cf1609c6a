// Bytes a query downloads in the browser, code included, without a browser:
// runs the site's own search.js in Node with a stand-in for <script> loading.
//   node bench/query_bytes.js SITE QUERY...
// Prints, per query, the total bytes (search.js and every file it loaded), the
// code's share, the number of files, the first result, and bytes by folder;
// then the worst query. Agrees with the browser's count in `bench/run`.
'use strict';
const fs = require('fs'), path = require('path'), vm = require('vm');
const site = process.argv[2];
const ctx = {
  console, Promise, setTimeout, Set, Map, Array, Math, Object, JSON, String, encodeURIComponent,
  performance: { now: () => 0 },
  atob: (s) => Buffer.from(s, 'base64').toString('binary'),
  HandbookSearchBase: 'search/',
};
ctx.window = ctx;
ctx.document = {
  getElementById: () => null,
  createElement: () => ({}),
  documentElement: { setAttribute() {} },
  head: {
    appendChild: (s) => {
      try {
        vm.runInContext(fs.readFileSync(path.join(site, s.src), 'utf8'), ctx);
        setTimeout(() => s.onload(), 0);
      } catch (e) {
        setTimeout(() => s.onerror(e), 0);
      }
    },
  },
};
vm.createContext(ctx);
vm.runInContext(fs.readFileSync(path.join(site, 'search/search.js'), 'utf8'), ctx);
(async () => {
  const code = fs.statSync(path.join(site, 'search/search.js')).size;
  let worst = [0, ''];
  for (const q of process.argv.slice(3)) {
    const r = await ctx.HandbookSearch.search(q, 10);
    const by = {};
    let total = code;
    for (const f of ctx.HandbookSearch.lastFiles) {
      const n = fs.statSync(path.join(site, 'search', f)).size;
      total += n;
      by[f.split('/')[0]] = (by[f.split('/')[0]] || 0) + n;
    }
    const first = r.results[0] ? r.results[0].url : '-';
    console.log(`${total}\t${q}\tcode ${code}, ${ctx.HandbookSearch.lastFiles.length} files, first ${first}, ${JSON.stringify(by)}`);
    if (total > worst[0]) worst = [total, q];
  }
  console.log(`worst: ${worst[0]} bytes (${worst[1]})`);
})();
